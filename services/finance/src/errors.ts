import { businessError, KernelErrorCode } from "@erp/core";

/** Finance's business error codes; schema.graphql documents each one in FinanceErrorCode. */
export const FinanceErrorCode = {
  ...KernelErrorCode,
  UNBALANCED_ENTRY: "UNBALANCED_ENTRY",
  ACCOUNT_NOT_FOUND: "ACCOUNT_NOT_FOUND",
  JOURNAL_ENTRY_NOT_FOUND: "JOURNAL_ENTRY_NOT_FOUND",
  ALREADY_REVERSED: "ALREADY_REVERSED",
  CUSTOMER_NOT_FOUND: "CUSTOMER_NOT_FOUND",
  DUPLICATE_REFERENCE: "DUPLICATE_REFERENCE",
  INVOICE_NOT_FOUND: "INVOICE_NOT_FOUND",
  INVOICE_HAS_PAYMENTS: "INVOICE_HAS_PAYMENTS",
  ALERT_NOT_FOUND: "ALERT_NOT_FOUND",
  CREDIT_LINE_NOT_FOUND: "CREDIT_LINE_NOT_FOUND",
  CREDIT_LINE_EXISTS: "CREDIT_LINE_EXISTS",
  APPROVER_IS_REQUESTER: "APPROVER_IS_REQUESTER",
  ALREADY_APPROVED: "ALREADY_APPROVED",
  PAYMENT_NOT_FOUND: "PAYMENT_NOT_FOUND",
  INSUFFICIENT_CREDIT: "INSUFFICIENT_CREDIT",
  OVERPAYMENT: "OVERPAYMENT",
  OVER_CREDIT: "OVER_CREDIT",
  CURRENCY_MISMATCH: "CURRENCY_MISMATCH",
} as const;

export const financeConstraintViolations = {
  payments_reference_key: businessError(
    FinanceErrorCode.DUPLICATE_REFERENCE,
    "This customer already has a payment with this reference",
    "externalReference",
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
