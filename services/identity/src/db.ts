import type { ColumnType, Generated } from "kysely";
import { ApiKeyStatus } from "./generated/enums.js";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

// EXPIRED is derived (past expires_at), never stored.
export const API_KEY_STATES = Object.values(ApiKeyStatus).filter(
  (s): s is Exclude<ApiKeyStatus, "EXPIRED"> => s !== ApiKeyStatus.EXPIRED,
);
export type ApiKeyState = (typeof API_KEY_STATES)[number];

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = { "api_keys.status": API_KEY_STATES };

export interface ApiKeysTable {
  id: Generated<string>;
  seq: Generated<string>;
  name: string;
  prefix: string;
  secret_hash: string;
  previous_secret_hash: string | null;
  previous_valid_until: NullableTimestamp;
  scopes: string[];
  safelist_only: boolean;
  development: Generated<boolean>;
  status: Generated<ApiKeyState>;
  expires_at: NullableTimestamp;
  created_by: string;
  created_at: Generated<Date>;
  rotated_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  version: Generated<number>;
}

export interface PersistedOperationsTable {
  id: Generated<string>;
  seq: Generated<string>;
  api_key_id: string;
  operation_id: string;
  query: string;
  sha256: string;
  created_by: string;
  created_at: Timestamp;
}

/** The identity schema, as Kysely sees it. */
export interface IdentityDatabase {
  "identity.api_keys": ApiKeysTable;
  "identity.persisted_operations": PersistedOperationsTable;
}
