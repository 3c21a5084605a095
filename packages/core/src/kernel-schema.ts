import { type Generated, type Kysely, type Migration, sql } from "kysely";
import { runStatements } from "./sql.js";

/** Table types of the kernel tables that every domain schema holds. */
export interface KernelTables {
  idempotency_keys: {
    key: string;
    operation: string;
    request_hash: string;
    principal: string;
    payload: unknown | null;
    created_at: Generated<Date>;
  };
  outbox_events: {
    id: Generated<string>;
    sequence: Generated<string>;
    type: string;
    /** The contract's version; rows written before 0000_kernel_0003 are version 1. */
    version: Generated<number>;
    aggregate_type: string;
    aggregate_id: string;
    payload: unknown;
    request_id: string;
    occurred_at: Generated<Date>;
    published_at: Date | null;
  };
  audit_log: {
    id: Generated<string>;
    occurred_at: Generated<Date>;
    actor: string;
    operation: string;
    aggregate_type: string;
    aggregate_id: string;
    idempotency_key: string | null;
    request_id: string;
    details: unknown;
    /** "person", "partner" or "system"; null on rows written before 0000_kernel_0002. */
    actor_kind: string | null;
    api_key_id: string | null;
  };
  inbox_events: {
    event_id: string;
    handler: string;
    processed_at: Generated<Date>;
  };
}

/**
 * The kernel's migrations, applied in every domain schema before and among the domain's
 * own. Names start with "0000_kernel" so they sort first on a fresh schema; on an existing
 * one a new kernel migration runs after the domain's (the Migrator allows unordered ones).
 * Never edit one that has shipped: add the next.
 */
export function kernelMigrations(schema: string): Record<string, Migration> {
  return {
    "0000_kernel": kernelMigration(schema),
    "0000_kernel_0002_audit_actor": auditActorMigration(schema),
    "0000_kernel_0003_event_version": eventVersionMigration(schema),
    "0000_kernel_0004_audit_log_no_truncate": auditLogNoTruncateMigration(schema),
  };
}

/**
 * The kernel tables, created in each domain's own schema so that a business
 * transaction writes its rows, its idempotency record, its audit record and its
 * outbox events in one database transaction without crossing schemas.
 */
export function kernelMigration(schema: string): Migration {
  const s = sql.id(schema);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations take Kysely<any> so they stay frozen in time
    async up(db: Kysely<any>) {
      await runStatements(db, [
        sql`
        create table ${s}.idempotency_keys (
          key text not null check (length(key) between 1 and 200),
          operation text not null,
          request_hash text not null,
          principal text not null,
          payload jsonb,
          created_at timestamptz not null default now(),
          -- Keys are scoped to the caller, as payment APIs scope them to the account.
          primary key (principal, key)
        )
        `,
        sql`
        create table ${s}.outbox_events (
          id uuid primary key default gen_random_uuid(),
          sequence bigint generated always as identity unique,
          type text not null,
          aggregate_type text not null,
          aggregate_id text not null,
          payload jsonb not null,
          request_id text not null,
          occurred_at timestamptz not null default now(),
          published_at timestamptz
        )
        `,
        sql`
        create index outbox_events_unpublished on ${s}.outbox_events (sequence) where published_at is null
        `,
        sql`
        create table ${s}.audit_log (
          id bigint generated always as identity primary key,
          occurred_at timestamptz not null default now(),
          actor text not null,
          operation text not null,
          aggregate_type text not null,
          aggregate_id text not null,
          idempotency_key text,
          request_id text not null,
          details jsonb not null default '{}'
        )
        `,
        sql`
        create index audit_log_aggregate on ${s}.audit_log (aggregate_type, aggregate_id)
        `,
        sql`
        create table ${s}.inbox_events (
          event_id uuid not null,
          handler text not null,
          processed_at timestamptz not null default now(),
          primary key (event_id, handler)
        )
        `,
        sql`
        create function ${s}.forbid_change() returns trigger language plpgsql as $$
        begin
          raise exception '% rows are append-only: % refused', tg_table_name, tg_op using errcode = 'P0001';
        end $$
        `,
        sql`
        create trigger audit_log_append_only before update or delete on ${s}.audit_log
          for each row execute function ${s}.forbid_change()
        `,
      ]);
    },
  };
}

/**
 * Who acted, as a kind (person, partner or system) and the partner's API key, and an
 * index that serves one entity's history newest first. Earlier rows keep nulls: the
 * audit log is append-only, so readers infer their kind from the subject.
 */
export function auditActorMigration(schema: string): Migration {
  const s = sql.id(schema);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations take Kysely<any> so they stay frozen in time
    async up(db: Kysely<any>) {
      await runStatements(db, [
        sql`
        alter table ${s}.audit_log
          add column actor_kind text check (actor_kind in ('person', 'partner', 'system')),
          add column api_key_id text
        `,
        sql`
        create index audit_log_entity_history on ${s}.audit_log (aggregate_type, aggregate_id, occurred_at desc, id desc)
        `,
        // The new index leads with the same columns, so the old one only costs writes.
        sql`drop index ${s}.audit_log_aggregate`,
      ]);
    },
  };
}

/** Each outbox event records its contract's version beside its type, so a consumer can tell payload shapes apart. */
export function eventVersionMigration(schema: string): Migration {
  const s = sql.id(schema);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations take Kysely<any> so they stay frozen in time
    async up(db: Kysely<any>) {
      await sql`alter table ${s}.outbox_events add column version integer not null default 1 check (version >= 1)`.execute(
        db,
      );
    },
  };
}

/**
 * The audit log refuses TRUNCATE as it refuses UPDATE and DELETE: a statement-level trigger, since TRUNCATE fires
 * no row triggers. (Only the table's owner or a role granted TRUNCATE could run it; the application's role should
 * be neither, see docs/architecture.md, but the trigger holds whoever runs it.)
 */
export function auditLogNoTruncateMigration(schema: string): Migration {
  const s = sql.id(schema);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations take Kysely<any> so they stay frozen in time
    async up(db: Kysely<any>) {
      await sql`
        create trigger audit_log_no_truncate before truncate on ${s}.audit_log
          for each statement execute function ${s}.forbid_change()`.execute(db);
    },
  };
}
