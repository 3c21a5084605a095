import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      create table finance.credit_lines (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        customer_id uuid not null,
        limit_amount numeric(20, 4) not null check (limit_amount > 0),
        currency char(3) not null,
        status text not null default 'PENDING_APPROVAL' check (status in ('PENDING_APPROVAL', 'ACTIVE', 'REJECTED', 'SUSPENDED')),
        requested_by text not null,
        decision_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now()
      )`,
    sql`create unique index credit_lines_one_live on finance.credit_lines (customer_id) where status in ('PENDING_APPROVAL', 'ACTIVE')`,
    sql`
      create table finance.credit_line_approvals (
        credit_line_id uuid not null references finance.credit_lines (id),
        approver text not null,
        approved_at timestamptz not null default now(),
        primary key (credit_line_id, approver)
      )`,
    // Confirmed orders not yet invoiced count towards exposure until their invoices replace them.
    sql`
      create table finance.credit_holds (
        order_id uuid primary key,
        customer_id uuid not null,
        currency char(3) not null,
        amount numeric(20, 4) not null check (amount >= 0),
        status text not null check (status in ('HELD', 'RELEASED')),
        updated_at timestamptz not null default now()
      )`,
    sql`create index credit_holds_customer on finance.credit_holds (customer_id) where status = 'HELD'`,
  ]);
}
