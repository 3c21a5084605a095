import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // The rule behind a rejection, as the refusing domain coded it; the text stays in status_reason.
  await sql`alter table sales.sales_orders add column status_reason_code text`.execute(db);
}
