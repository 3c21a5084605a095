import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`insert into finance.accounts (code, name, type) values
          ('2300', 'Payroll payable', 'LIABILITY'),
          ('6000', 'Salaries and wages', 'EXPENSE')
        on conflict (code) do nothing`,
    // What HR's posted payroll runs leave to pay: one payable per run and currency, settled once.
    sql`
      create table finance.payroll_payables (
        payroll_run_id uuid not null,
        currency char(3) not null,
        run_number text not null,
        period text not null,
        amount numeric(20, 4) not null check (amount > 0),
        employees integer not null check (employees > 0),
        posting_entry_id uuid not null references finance.journal_entries (id),
        paid_on date,
        payment_id uuid unique,
        payment_entry_id uuid references finance.journal_entries (id),
        created_at timestamptz not null default now(),
        primary key (payroll_run_id, currency),
        check ((paid_on is null) = (payment_id is null) and (payment_id is null) = (payment_entry_id is null))
      )`,
  ]);
}
