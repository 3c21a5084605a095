import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // The latest stock-ledger check inventory published; reconciliation raises alerts from it.
  await sql`
    create table finance.inventory_ledger_reports (
      id text primary key default 'latest' check (id = 'latest'),
      checked_at timestamptz not null,
      discrepancies jsonb not null
    )`.execute(db);
}
