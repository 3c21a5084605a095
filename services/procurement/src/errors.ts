import { type NotFound, type Refuse, refusals } from "@erp/core";
import { ProcurementErrorCode } from "./generated/enums.js";

/** Procurement's business error codes: the ProcurementErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { ProcurementErrorCode };

const refusal = refusals(ProcurementErrorCode);
/** Refusals that accept only ProcurementErrorCodes, so a misspelt code does not compile. */
export const refuse: Refuse<ProcurementErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<ProcurementErrorCode> = refusal.notFound;
