import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      create table finance.reconciliation_runs (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        trigger text not null check (trigger in ('SCHEDULE', 'ON_DEMAND')),
        window_start timestamptz not null,
        window_end timestamptz not null,
        checks integer not null,
        discrepancies integer not null,
        opened integer not null,
        resolved integer not null,
        duration_ms integer not null,
        outcome text not null check (outcome in ('OK', 'NOT_OK')),
        started_by text not null
      )`,
    sql`
      create table finance.reconciliation_alerts (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        kind text not null,
        severity text not null check (severity in ('WARNING', 'CRITICAL')),
        fingerprint text not null,
        description text not null,
        documents jsonb not null,
        expected text,
        found text,
        status text not null default 'OPEN' check (status in ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
        first_run_id uuid not null references finance.reconciliation_runs (id),
        last_seen_run_id uuid not null references finance.reconciliation_runs (id),
        acknowledged_by text,
        resolved_by text,
        resolution text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    // A discrepancy has at most one alert that is not resolved: reruns update it, never duplicate it.
    sql`create unique index reconciliation_alerts_live on finance.reconciliation_alerts (fingerprint) where status <> 'RESOLVED'`,
  ]);
}
