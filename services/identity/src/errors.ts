import { businessError, KernelErrorCode } from "@erp/core";

/** The identity domain's business error codes; schema.graphql documents each one in IdentityErrorCode. */
export const IdentityErrorCode = {
  ...KernelErrorCode,
  API_KEY_NOT_FOUND: "API_KEY_NOT_FOUND",
  API_KEY_EXPIRED: "API_KEY_EXPIRED",
  API_KEY_REVOKED: "API_KEY_REVOKED",
  PERSISTED_OPERATION_ID_TAKEN: "PERSISTED_OPERATION_ID_TAKEN",
  PERSISTED_OPERATION_ALREADY_REGISTERED: "PERSISTED_OPERATION_ALREADY_REGISTERED",
  PERSISTED_OPERATION_NOT_FOUND: "PERSISTED_OPERATION_NOT_FOUND",
} as const;

export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];

/** Unique constraints whose violation is a business error rather than a bug. */
export const identityUniqueViolations = {
  persisted_operations_id_key: businessError(
    IdentityErrorCode.PERSISTED_OPERATION_ID_TAKEN,
    "This key's safelist already holds an operation with this id",
    "operationId",
  ),
  persisted_operations_hash_key: businessError(
    IdentityErrorCode.PERSISTED_OPERATION_ALREADY_REGISTERED,
    "This key's safelist already holds this query under another id",
    "query",
  ),
};
