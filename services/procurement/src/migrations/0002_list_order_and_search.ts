import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - GIN trigram indexes (pg_trgm) serve the "contains" searches (ILIKE '%…%'): suppliers by code
//   or name, purchase orders by number, bills by number or the supplier's invoice number;
// - B-tree (key, seq) indexes serve keyset pages of suppliers by name and of bills by due date.
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index suppliers_name_trgm on procurement.suppliers using gin (name gin_trgm_ops)`,
    sql`create index suppliers_code_trgm on procurement.suppliers using gin (code gin_trgm_ops)`,
    sql`create index suppliers_name_order on procurement.suppliers (name, seq)`,
    sql`create index purchase_orders_number_trgm on procurement.purchase_orders using gin (number gin_trgm_ops)`,
    sql`create index supplier_bills_number_trgm on procurement.supplier_bills using gin (number gin_trgm_ops)`,
    sql`create index supplier_bills_invoice_number_trgm on procurement.supplier_bills using gin (supplier_invoice_number gin_trgm_ops)`,
    sql`create index supplier_bills_due_order on procurement.supplier_bills (due_date, seq)`,
  ]);
}
