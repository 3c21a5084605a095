import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - GIN trigram indexes (pg_trgm) serve the "contains" searches (ILIKE '%…%'): orders and quotes by
//   number, and orders by customer name through sales' own copy of CRM's names (known_customers).
// - B-tree (key, seq) indexes serve keyset pages by placing time and number. Sorting by total or
//   customer name computes the key per row (no index): a full sort of the filtered orders.
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index sales_orders_number_trgm on sales.sales_orders using gin (number gin_trgm_ops)`,
    sql`create index quotes_number_trgm on sales.quotes using gin (number gin_trgm_ops)`,
    sql`create index known_customers_name_trgm on sales.known_customers using gin (name gin_trgm_ops)`,
    sql`create index sales_orders_placed_order on sales.sales_orders (placed_at, seq)`,
    sql`create index sales_orders_number_order on sales.sales_orders (number, seq)`,
  ]);
}
