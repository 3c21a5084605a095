import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - GIN trigram indexes (pg_trgm) serve the product search by SKU or name (ILIKE '%…%');
// - B-tree (key, seq) indexes serve keyset pages of products by name and of the stock ledger by
//   the time a movement happened (replacing the plain occurred_at index).
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index products_sku_trgm on inventory.products using gin (sku gin_trgm_ops)`,
    sql`create index products_name_trgm on inventory.products using gin (name gin_trgm_ops)`,
    sql`create index products_name_order on inventory.products (name, seq)`,
    sql`create index stock_movements_time_order on inventory.stock_movements (occurred_at, seq)`,
    sql`drop index inventory.stock_movements_time`,
  ]);
}
