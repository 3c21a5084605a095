import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`alter table finance.invoices add column interest_accrued numeric(20, 4) not null default 0 check (interest_accrued >= 0)`,
    sql`alter table finance.invoices drop constraint if exists invoices_check`,
    sql`alter table finance.invoices drop constraint if exists invoices_amount_paid_check`,
    sql`alter table finance.invoices add constraint invoices_paid_within_due check (amount_paid >= 0 and amount_paid <= total + interest_accrued)`,
    // One accrual per invoice per day: running the same day twice accrues once.
    sql`
      create table finance.interest_accruals (
        invoice_id uuid not null references finance.invoices (id),
        accrual_date date not null,
        principal numeric(20, 4) not null,
        annual_rate numeric(7, 4) not null,
        amount numeric(20, 4) not null check (amount >= 0),
        remainder numeric(24, 12) not null,
        primary key (invoice_id, accrual_date)
      )`,
    sql`create trigger interest_accruals_append_only before update or delete on finance.interest_accruals for each row execute function finance.forbid_change()`,
  ]);
}
