import { type NotFound, type Refuse, refusals } from "@erp/core";
import { SalesErrorCode } from "./generated/enums.js";

/** Sales' business error codes: the SalesErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { SalesErrorCode };

const refusal = refusals(SalesErrorCode);
/** Refusals that accept only SalesErrorCodes, so a misspelt code does not compile; annotated, so that `if (!row) notFound(…)` narrows. */
export const refuse: Refuse<SalesErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<SalesErrorCode> = refusal.notFound;
