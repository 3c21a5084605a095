import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type ApiKeyState = "ACTIVE" | "REVOKED";

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
