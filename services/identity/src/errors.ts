import { businessError, type NotFound, type Refuse, refusals } from "@erp/core";
import { IdentityErrorCode } from "./generated/enums.js";

/** The identity domain's business error codes: the IdentityErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { IdentityErrorCode };

const refusal = refusals(IdentityErrorCode);
/** Refusals that accept only IdentityErrorCodes, so a misspelt code does not compile; annotated, so that `if (!row) notFound(…)` narrows. */
export const refuse: Refuse<IdentityErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<IdentityErrorCode> = refusal.notFound;

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
