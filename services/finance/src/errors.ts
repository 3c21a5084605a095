import { businessError, type NotFound, type Refuse, refusals } from "@erp/core";
import { FinanceErrorCode } from "./generated/enums.js";

/** Finance's business error codes: the FinanceErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { FinanceErrorCode };

const refusal = refusals(FinanceErrorCode);
/** Refusals that accept only FinanceErrorCodes, so a misspelt code does not compile; annotated, so that `if (!row) notFound(…)` narrows. */
export const refuse: Refuse<FinanceErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<FinanceErrorCode> = refusal.notFound;

export const financeConstraintViolations = {
  payments_reference_key: businessError(
    FinanceErrorCode.DUPLICATE_REFERENCE,
    "This customer already has a payment with this reference",
    "externalReference",
  ),
  supplier_payments_reference_key: businessError(
    FinanceErrorCode.DUPLICATE_REFERENCE,
    "This supplier already has a payment with this reference",
    "reference",
  ),
  credit_lines_one_live: businessError(
    FinanceErrorCode.CREDIT_LINE_EXISTS,
    "The customer already has a pending or active credit line",
    "customerId",
  ),
  journal_entries_reversed_once: businessError(
    FinanceErrorCode.ALREADY_REVERSED,
    "The entry was already reversed",
    "journalEntryId",
  ),
};
