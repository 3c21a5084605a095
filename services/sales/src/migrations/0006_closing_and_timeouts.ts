import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // CLOSED: a partly shipped order closed short.
  await sql`alter table sales.sales_orders drop constraint if exists sales_orders_status_check`.execute(db);
  await sql`
    alter table sales.sales_orders add constraint sales_orders_status_check
      check (status in ('DRAFT', 'PENDING_CONFIRMATION', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'REJECTED', 'CLOSED'))`.execute(
    db,
  );
  // The confirmation-timeout job looks for orders pending since before a deadline.
  await sql`
    create index sales_orders_pending_since on sales.sales_orders (updated_at)
      where status = 'PENDING_CONFIRMATION'`.execute(db);
}
