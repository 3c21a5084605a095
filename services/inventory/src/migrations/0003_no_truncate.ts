import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // The row trigger refuses UPDATE and DELETE of stock movements; TRUNCATE fires no row trigger.
  await sql`
    create trigger stock_movements_no_truncate before truncate on inventory.stock_movements
      for each statement execute function inventory.forbid_change()`.execute(db);
}
