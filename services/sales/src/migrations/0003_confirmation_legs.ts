import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // Confirmation waits for two answers: inventory's reservation and finance's credit check.
  await runStatements(db, [
    sql`alter table sales.sales_orders add column stock_reserved boolean not null default false`,
    sql`alter table sales.sales_orders add column credit_approved boolean not null default false`,
  ]);
}
