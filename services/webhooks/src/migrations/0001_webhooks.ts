import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      create table webhooks.subscriptions (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        owner text not null,
        url text not null,
        description text,
        event_types text[] not null check (cardinality(event_types) between 1 and 50),
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'PAUSED', 'DISABLED', 'DELETED')),
        secret text not null,
        previous_secret text,
        previous_secret_until timestamptz,
        failing_since timestamptz,
        disabled_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`create index subscriptions_owner on webhooks.subscriptions (owner, seq)`,
    sql`create index subscriptions_event_types on webhooks.subscriptions using gin (event_types) where status = 'ACTIVE'`,
    sql`
      create table webhooks.events (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        source_event_id uuid unique,
        type text not null,
        version integer not null,
        occurred_at timestamptz not null,
        payload jsonb not null
      )`,
    sql`create index events_window on webhooks.events (occurred_at, seq)`,
    sql`
      create table webhooks.deliveries (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        event_id uuid not null references webhooks.events (id),
        subscription_id uuid not null references webhooks.subscriptions (id),
        status text not null default 'PENDING' check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        attempts integer not null default 0,
        retry_step integer not null default 0,
        next_attempt_at timestamptz,
        lease_until timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz not null default now(),
        constraint deliveries_event_subscription_key unique (event_id, subscription_id)
      )`,
    sql`create index deliveries_subscription on webhooks.deliveries (subscription_id, seq)`,
    sql`create index deliveries_due on webhooks.deliveries (next_attempt_at) where status = 'PENDING'`,
    sql`
      create table webhooks.delivery_attempts (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        delivery_id uuid not null references webhooks.deliveries (id),
        attempted_at timestamptz not null,
        status_code integer,
        duration_ms integer not null,
        error text,
        response_excerpt text,
        next_attempt_at timestamptz
      )`,
    sql`create index delivery_attempts_delivery on webhooks.delivery_attempts (delivery_id, seq)`,
  ]);
}
