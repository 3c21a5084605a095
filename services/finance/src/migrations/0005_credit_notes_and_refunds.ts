import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`alter table finance.invoices add column amount_credited numeric(20, 4) not null default 0 check (amount_credited >= 0)`,
    sql`alter table finance.invoices drop constraint invoices_paid_within_due`,
    sql`alter table finance.invoices add constraint invoices_settled_within_due check (amount_paid + amount_credited <= total + interest_accrued)`,
    // A payment may be allocated to the same invoice more than once (automatically, then by hand).
    sql`alter table finance.allocations drop constraint allocations_pkey`,
    sql`alter table finance.allocations add column id bigint generated always as identity primary key`,
    sql`create index allocations_payment on finance.allocations (payment_id)`,
    sql`create index allocations_invoice on finance.allocations (invoice_id)`,
    sql`create sequence finance.credit_note_number_seq`,
    sql`
      create table finance.credit_notes (
        id uuid primary key default gen_random_uuid(),
        number text not null unique,
        invoice_id uuid not null references finance.invoices (id),
        amount numeric(20, 4) not null check (amount > 0),
        reason text not null,
        issued_by text not null,
        issued_at timestamptz not null default now()
      )`,
    sql`
      create table finance.refunds (
        id uuid primary key default gen_random_uuid(),
        payment_id uuid not null references finance.payments (id),
        amount numeric(20, 4) not null check (amount > 0),
        reason text not null,
        refunded_by text not null,
        refunded_at timestamptz not null default now()
      )`,
    sql`create trigger credit_notes_append_only before update or delete on finance.credit_notes for each row execute function finance.forbid_change()`,
    sql`create trigger refunds_append_only before update or delete on finance.refunds for each row execute function finance.forbid_change()`,
  ]);
}
