import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table sales.known_warehouses (
      warehouse_id uuid primary key,
      code text not null,
      name text not null
    )`.execute(db);
}
