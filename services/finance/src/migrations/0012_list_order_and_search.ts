import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - a GIN trigram index (pg_trgm) serves the invoice search by number (ILIKE '%…%');
// - B-tree (key, seq) indexes serve keyset pages of invoices by issue date, due date and status,
//   of journal entries by accounting date, and of reconciliation alerts by status.
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index invoices_number_trgm on finance.invoices using gin (number gin_trgm_ops)`,
    sql`create index invoices_issued_order on finance.invoices (issued_on, seq)`,
    sql`create index invoices_due_order on finance.invoices (due_on, seq)`,
    sql`create index invoices_status_order on finance.invoices (status, seq)`,
    sql`create index journal_entries_date_order on finance.journal_entries (entry_date, seq)`,
    sql`create index reconciliation_alerts_status_order on finance.reconciliation_alerts (status, seq)`,
  ]);
}
