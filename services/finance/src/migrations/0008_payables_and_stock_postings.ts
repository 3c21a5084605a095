import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      insert into finance.accounts (code, name, type) values
        ('2050', 'Goods received not invoiced', 'LIABILITY'),
        ('5200', 'Stock adjustments', 'EXPENSE'),
        ('5300', 'Purchase price variance', 'EXPENSE')
      on conflict (code) do nothing`,
    // Suppliers as procurement last described them; the newest snapshot version wins.
    sql`
      create table finance.known_suppliers (
        supplier_id uuid primary key,
        code text not null,
        name text not null,
        currency char(3) not null,
        payment_terms_days integer not null,
        status text not null,
        version integer not null
      )`,
    // One row per valued stock movement posted: the movement id makes a redelivery post nothing.
    // value is signed as stock moves: positive into stock (receipt, gain), negative out (issue, loss).
    sql`
      create table finance.stock_postings (
        movement_id uuid primary key,
        kind text not null check (kind in ('RECEIPT', 'ISSUE', 'ADJUSTMENT')),
        source_type text,
        source_id text,
        currency char(3) not null,
        value numeric(20, 4) not null check (value <> 0),
        journal_entry_id uuid references finance.journal_entries (id),
        posted_at timestamptz not null default now()
      )`,
    sql`create index stock_postings_currency on finance.stock_postings (currency, source_type)`,
    // Payables: procurement's matched bills, by procurement's bill id.
    sql`
      create table finance.supplier_bills (
        id uuid primary key,
        seq bigint generated always as identity unique,
        supplier_id uuid not null,
        supplier_invoice_number text not null,
        purchase_order_id uuid not null,
        bill_date date not null,
        due_date date not null,
        currency char(3) not null,
        total numeric(20, 4) not null check (total >= 0),
        received_value numeric(20, 4) not null,
        price_variance numeric(20, 4) not null,
        amount_paid numeric(20, 4) not null default 0 check (amount_paid >= 0 and amount_paid <= total),
        released_by text,
        journal_entry_id uuid references finance.journal_entries (id),
        version integer not null default 1,
        created_at timestamptz not null default now()
      )`,
    sql`create index supplier_bills_supplier on finance.supplier_bills (supplier_id, due_date)`,
    sql`create index supplier_bills_open on finance.supplier_bills (due_date) where amount_paid < total`,
    sql`
      create table finance.supplier_payments (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        bill_id uuid not null references finance.supplier_bills (id),
        supplier_id uuid not null,
        amount numeric(20, 4) not null check (amount > 0),
        currency char(3) not null,
        paid_on date not null,
        reference text not null,
        paid_by text not null,
        created_at timestamptz not null default now(),
        constraint supplier_payments_reference_key unique (supplier_id, reference)
      )`,
    sql`create index supplier_payments_bill on finance.supplier_payments (bill_id)`,
    // The latest positions other domains report for reconciliation: inventory's valuation,
    // procurement's uninvoiced receipts. An older report never replaces a newer one.
    sql`
      create table finance.reported_positions (
        report text primary key check (report in ('INVENTORY_VALUATION', 'UNINVOICED_RECEIPTS')),
        reported_at timestamptz not null,
        positions jsonb not null
      )`,
  ]);
}
