import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // Finance's own record of every ShipmentDispatched it received, apart from its inbox and from the invoice, so
  // reconciliation can compare shipments with invoices from both sides and with sales' shipped position.
  await sql`
    create table finance.received_shipments (
      shipment_id uuid primary key,
      order_id uuid not null,
      customer_id uuid not null,
      currency char(3) not null,
      shipped_at timestamptz not null,
      received_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index received_shipments_shipped_at on finance.received_shipments (currency, shipped_at)`.execute(
    db,
  );
  // Shipments invoiced before this record existed were received.
  await sql`
    insert into finance.received_shipments (shipment_id, order_id, customer_id, currency, shipped_at)
    select shipment_id, sales_order_id, customer_id, currency, created_at from finance.invoices
    where shipment_id is not null and sales_order_id is not null`.execute(db);
  await sql`alter table finance.reported_positions drop constraint if exists reported_positions_report_check`.execute(
    db,
  );
  await sql`
    alter table finance.reported_positions add constraint reported_positions_report_check
      check (report in ('INVENTORY_VALUATION', 'UNINVOICED_RECEIPTS', 'SHIPPED_POSITION'))`.execute(db);
}
