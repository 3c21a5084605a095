import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      create table identity.api_keys (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        name text not null check (length(name) between 1 and 100),
        prefix text not null constraint api_keys_prefix_key unique check (prefix ~ '^[A-Za-z0-9]{8}$'),
        -- Hex SHA-256 of the secret; the secret itself is never stored.
        secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
        previous_secret_hash text check (previous_secret_hash ~ '^[0-9a-f]{64}$'),
        previous_valid_until timestamptz,
        scopes text[] not null check (cardinality(scopes) between 1 and 50),
        safelist_only boolean not null default false,
        development boolean not null default false,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'REVOKED')),
        expires_at timestamptz,
        created_by text not null,
        created_at timestamptz not null default now(),
        rotated_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        version integer not null default 1,
        check ((status = 'REVOKED') = (revoked_at is not null)),
        check ((previous_secret_hash is null) = (previous_valid_until is null))
      )`,
    sql`create index api_keys_active_development on identity.api_keys (seq) where development and status = 'ACTIVE'`,
    sql`
      create table identity.persisted_operations (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        api_key_id uuid not null references identity.api_keys (id),
        operation_id text not null check (operation_id ~ '^[A-Za-z][A-Za-z0-9_.-]{0,99}$'),
        query text not null check (length(query) between 1 and 20000),
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        created_by text not null,
        created_at timestamptz not null default now(),
        constraint persisted_operations_id_key unique (api_key_id, operation_id),
        constraint persisted_operations_hash_key unique (api_key_id, sha256)
      )`,
  ]);
}
