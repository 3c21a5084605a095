import { businessError, KernelErrorCode } from "@erp/core";

/** The CRM's business error codes; schema.graphql documents each one in CrmErrorCode. */
export const CrmErrorCode = {
  ...KernelErrorCode,
  CUSTOMER_NOT_FOUND: "CUSTOMER_NOT_FOUND",
  CUSTOMER_CODE_TAKEN: "CUSTOMER_CODE_TAKEN",
  CUSTOMER_BLOCKED: "CUSTOMER_BLOCKED",
  LEAD_NOT_FOUND: "LEAD_NOT_FOUND",
  OPPORTUNITY_NOT_FOUND: "OPPORTUNITY_NOT_FOUND",
} as const;

export type CrmErrorCode = (typeof CrmErrorCode)[keyof typeof CrmErrorCode];

/** Unique constraints whose violation is a business error rather than a bug. */
export const crmUniqueViolations = {
  customers_code_key: businessError(CrmErrorCode.CUSTOMER_CODE_TAKEN, "Another customer already has this code", "code"),
};
