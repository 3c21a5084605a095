import { businessError, type NotFound, type Refuse, refusals } from "@erp/core";
import { CrmErrorCode } from "./generated/enums.js";

/** The CRM's business error codes: the CrmErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { CrmErrorCode };

const refusal = refusals(CrmErrorCode);
/** Refusals that accept only CrmErrorCodes, so a misspelt code does not compile; annotated, so that `if (!row) notFound(…)` narrows. */
export const refuse: Refuse<CrmErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<CrmErrorCode> = refusal.notFound;

/** Unique constraints whose violation is a business error rather than a bug. */
export const crmUniqueViolations = {
  customers_code_key: businessError(CrmErrorCode.CUSTOMER_CODE_TAKEN, "Another customer already has this code", "code"),
};
