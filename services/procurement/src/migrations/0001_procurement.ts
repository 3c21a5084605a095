import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    // What procurement knows of inventory's products, warehouses and low stock, kept from its events.
    sql`
      create table procurement.known_products (
        product_id uuid primary key,
        sku text not null,
        name text not null,
        type text not null,
        status text not null,
        quantity_precision integer not null,
        version integer not null
      )`,
    sql`
      create table procurement.known_warehouses (
        warehouse_id uuid primary key,
        code text not null,
        name text not null
      )`,
    sql`
      create table procurement.stock_lows (
        product_id uuid not null,
        warehouse_id uuid not null,
        available numeric(20, 6) not null,
        reorder_point numeric(20, 6) not null,
        reorder_quantity numeric(20, 6),
        reported_at timestamptz not null,
        primary key (product_id, warehouse_id)
      )`,
    sql`create sequence procurement.purchase_order_number_seq`,
    sql`create sequence procurement.goods_receipt_number_seq`,
    sql`create sequence procurement.supplier_bill_number_seq`,
    sql`create sequence procurement.supplier_code_seq`,
    sql`
      create table procurement.suppliers (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        code text not null unique,
        name text not null,
        tax_id text,
        currency char(3) not null,
        payment_terms_days integer not null check (payment_terms_days between 0 and 365),
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'BLOCKED')),
        block_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`
      create table procurement.supplier_contacts (
        id uuid primary key default gen_random_uuid(),
        supplier_id uuid not null references procurement.suppliers (id),
        position integer not null,
        name text not null,
        email text,
        phone text,
        role text
      )`,
    sql`create index supplier_contacts_supplier on procurement.supplier_contacts (supplier_id, position)`,
    sql`
      create table procurement.supplier_prices (
        id uuid primary key default gen_random_uuid(),
        supplier_id uuid not null references procurement.suppliers (id),
        product_id uuid not null,
        price numeric(20, 4) not null check (price > 0),
        currency char(3) not null,
        lead_time_days integer not null check (lead_time_days between 0 and 3650),
        minimum_quantity numeric(20, 6) not null check (minimum_quantity > 0),
        valid_from date not null,
        valid_to date,
        updated_at timestamptz not null default now(),
        check (valid_to is null or valid_to >= valid_from),
        constraint supplier_prices_unique unique (supplier_id, product_id, valid_from)
      )`,
    sql`create index supplier_prices_product on procurement.supplier_prices (product_id)`,
    sql`
      create table procurement.preferred_suppliers (
        product_id uuid primary key,
        supplier_id uuid not null references procurement.suppliers (id)
      )`,
    sql`
      create table procurement.purchase_orders (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        supplier_id uuid not null references procurement.suppliers (id),
        currency char(3) not null,
        status text not null default 'DRAFT'
          check (status in ('DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CLOSED', 'REJECTED', 'CANCELLED')),
        total numeric(20, 4) not null,
        required_approvals integer not null default 0 check (required_approvals between 0 and 2),
        requested_by text not null,
        notes text,
        status_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        submitted_at timestamptz,
        approved_at timestamptz,
        updated_at timestamptz not null default now()
      )`,
    sql`create index purchase_orders_supplier on procurement.purchase_orders (supplier_id, seq desc)`,
    sql`create index purchase_orders_status on procurement.purchase_orders (status, seq desc)`,
    sql`
      create table procurement.purchase_order_lines (
        id uuid primary key default gen_random_uuid(),
        purchase_order_id uuid not null references procurement.purchase_orders (id),
        line_number integer not null,
        product_id uuid not null,
        sku text not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        unit_price numeric(20, 4) not null check (unit_price > 0),
        amount numeric(20, 4) not null,
        expected_date date,
        received_quantity numeric(20, 6) not null default 0 check (received_quantity >= 0),
        billed_quantity numeric(20, 6) not null default 0 check (billed_quantity >= 0),
        unique (purchase_order_id, line_number)
      )`,
    sql`create index purchase_order_lines_product on procurement.purchase_order_lines (product_id)`,
    sql`
      create table procurement.approvals (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        purchase_order_id uuid not null references procurement.purchase_orders (id),
        decision text not null check (decision in ('APPROVED', 'REJECTED')),
        decided_by text not null,
        decided_at timestamptz not null default now(),
        comment text,
        constraint approvals_one_per_approver unique (purchase_order_id, decided_by)
      )`,
    sql`
      create table procurement.goods_receipts (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        purchase_order_id uuid not null references procurement.purchase_orders (id),
        supplier_id uuid not null references procurement.suppliers (id),
        warehouse_id uuid not null,
        currency char(3) not null,
        received_on date not null,
        received_by text not null,
        created_at timestamptz not null default now()
      )`,
    sql`create index goods_receipts_order on procurement.goods_receipts (purchase_order_id, seq)`,
    sql`
      create table procurement.goods_receipt_lines (
        id uuid primary key default gen_random_uuid(),
        receipt_id uuid not null references procurement.goods_receipts (id),
        purchase_order_line_id uuid not null references procurement.purchase_order_lines (id),
        product_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        unit_cost numeric(20, 4) not null,
        value numeric(20, 4) not null
      )`,
    sql`create index goods_receipt_lines_receipt on procurement.goods_receipt_lines (receipt_id)`,
    sql`
      create table procurement.supplier_bills (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        supplier_id uuid not null references procurement.suppliers (id),
        purchase_order_id uuid not null references procurement.purchase_orders (id),
        supplier_invoice_number text not null,
        bill_date date not null,
        due_date date not null,
        currency char(3) not null,
        total numeric(20, 4) not null,
        received_value numeric(20, 4) not null,
        status text not null check (status in ('ON_HOLD', 'MATCHED', 'PAID')),
        recorded_by text not null,
        released_by text,
        released_at timestamptz,
        matched_at timestamptz,
        paid_amount numeric(20, 4) not null default 0,
        created_at timestamptz not null default now(),
        constraint supplier_bills_invoice_number unique (supplier_id, supplier_invoice_number)
      )`,
    sql`create index supplier_bills_order on procurement.supplier_bills (purchase_order_id)`,
    sql`
      create table procurement.supplier_bill_lines (
        id uuid primary key default gen_random_uuid(),
        bill_id uuid not null references procurement.supplier_bills (id),
        line_number integer not null,
        purchase_order_line_id uuid not null references procurement.purchase_order_lines (id),
        quantity numeric(20, 6) not null check (quantity > 0),
        unit_price numeric(20, 4) not null check (unit_price > 0),
        amount numeric(20, 4) not null
      )`,
    sql`create index supplier_bill_lines_bill on procurement.supplier_bill_lines (bill_id, line_number)`,
    sql`create index supplier_bill_lines_po_line on procurement.supplier_bill_lines (purchase_order_line_id)`,
    sql`
      create table procurement.bill_hold_reasons (
        id uuid primary key default gen_random_uuid(),
        bill_id uuid not null references procurement.supplier_bills (id),
        code text not null check (code in ('QUANTITY_ABOVE_RECEIVED', 'PRICE_OUTSIDE_TOLERANCE')),
        message text not null,
        line_number integer not null
      )`,
    sql`create index bill_hold_reasons_bill on procurement.bill_hold_reasons (bill_id)`,
  ]);
}
