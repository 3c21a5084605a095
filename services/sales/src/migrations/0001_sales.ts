import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    // What sales knows of CRM's customers and inventory's products, kept from their events.
    sql`
      create table sales.known_customers (
        customer_id uuid primary key,
        name text not null,
        status text not null,
        version integer not null
      )`,
    sql`
      create table sales.known_products (
        product_id uuid primary key,
        sku text not null,
        name text not null,
        type text not null,
        status text not null,
        quantity_precision integer not null,
        list_price numeric(20, 4) not null,
        price_currency char(3) not null,
        version integer not null
      )`,
    sql`create sequence sales.order_number_seq`,
    sql`create sequence sales.quote_number_seq`,
    sql`create sequence sales.shipment_number_seq`,
    sql`
      create table sales.quotes (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        customer_id uuid not null,
        currency char(3) not null,
        status text not null default 'DRAFT' check (status in ('DRAFT', 'SENT', 'ACCEPTED', 'REJECTED')),
        valid_until date not null,
        notes text,
        rejection_reason text,
        sales_order_id uuid,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`
      create table sales.sales_orders (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        customer_id uuid not null,
        warehouse_id uuid not null,
        currency char(3) not null,
        status text not null default 'DRAFT'
          check (status in ('DRAFT', 'PENDING_CONFIRMATION', 'CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'REJECTED')),
        status_reason text,
        salesperson text,
        notes text,
        quote_id uuid references sales.quotes (id),
        version integer not null default 1,
        placed_at timestamptz not null default now(),
        confirmed_at timestamptz,
        updated_at timestamptz not null default now()
      )`,
    sql`create index sales_orders_customer on sales.sales_orders (customer_id, seq desc)`,
    sql`create index sales_orders_status on sales.sales_orders (status, seq desc)`,
    sql`
      create table sales.lines (
        id uuid primary key default gen_random_uuid(),
        order_id uuid references sales.sales_orders (id),
        quote_id uuid references sales.quotes (id),
        line_number integer not null,
        product_id uuid not null,
        sku text not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        shipped_quantity numeric(20, 6) not null default 0 check (shipped_quantity >= 0 and shipped_quantity <= quantity),
        unit_price numeric(20, 4) not null check (unit_price >= 0),
        discount_percent numeric(5, 2) not null check (discount_percent between 0 and 100),
        tax_rate numeric(5, 2) not null check (tax_rate between 0 and 100),
        net_amount numeric(20, 4) not null,
        tax_amount numeric(20, 4) not null,
        reservation_id uuid,
        check (num_nonnulls(order_id, quote_id) = 1)
      )`,
    sql`create index lines_order on sales.lines (order_id, line_number) where order_id is not null`,
    sql`create index lines_quote on sales.lines (quote_id, line_number) where quote_id is not null`,
    sql`create index lines_product on sales.lines (product_id) where order_id is not null`,
    sql`
      create table sales.shipments (
        id uuid primary key default gen_random_uuid(),
        number text not null unique,
        order_id uuid not null references sales.sales_orders (id),
        carrier_reference text,
        shipped_at timestamptz not null default now(),
        shipped_by text not null
      )`,
    sql`
      create table sales.shipment_lines (
        shipment_id uuid not null references sales.shipments (id),
        line_id uuid not null references sales.lines (id),
        product_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        primary key (shipment_id, line_id)
      )`,
  ]);
}
