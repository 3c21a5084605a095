import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

const CHART: [string, string, string][] = [
  ["1000", "Bank", "ASSET"],
  ["1100", "Accounts receivable", "ASSET"],
  ["1200", "Inventory", "ASSET"],
  ["2000", "Accounts payable", "LIABILITY"],
  ["2100", "Tax payable", "LIABILITY"],
  ["2200", "Customer credit", "LIABILITY"],
  ["3000", "Owner's equity", "EQUITY"],
  ["4000", "Revenue", "REVENUE"],
  ["4100", "Interest income", "REVENUE"],
  ["5000", "Cost of goods sold", "EXPENSE"],
  ["5100", "Bank charges", "EXPENSE"],
];

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`create table finance.known_customers (customer_id uuid primary key, name text not null, version integer not null)`,
    sql`
      create table finance.accounts (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        type text not null check (type in ('ASSET', 'LIABILITY', 'EQUITY', 'REVENUE', 'EXPENSE'))
      )`,
    sql`create sequence finance.journal_number_seq`,
    sql`create sequence finance.invoice_number_seq`,
    sql`
      create table finance.journal_entries (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        entry_date date not null,
        description text not null,
        source_type text,
        source_id text,
        reverses_id uuid references finance.journal_entries (id) constraint journal_entries_reversed_once unique,
        posted_by text not null,
        posted_at timestamptz not null default now()
      )`,
    // Each invoice and payment posts exactly one entry (reversals aside).
    sql`create unique index journal_entries_one_per_source on finance.journal_entries (source_type, source_id) where reverses_id is null and source_id is not null`,
    sql`
      create table finance.journal_lines (
        id bigint generated always as identity primary key,
        entry_id uuid not null references finance.journal_entries (id),
        account_id uuid not null references finance.accounts (id),
        currency char(3) not null,
        debit numeric(20, 4) not null default 0 check (debit >= 0),
        credit numeric(20, 4) not null default 0 check (credit >= 0),
        check ((debit > 0) <> (credit > 0))
      )`,
    sql`create index journal_lines_entry on finance.journal_lines (entry_id)`,
    sql`create index journal_lines_account on finance.journal_lines (account_id)`,
    // The database, not only the code, refuses an entry that does not balance per currency.
    sql`
      create function finance.assert_entry_balanced() returns trigger language plpgsql as $$
      declare bad record;
      begin
        select currency into bad from finance.journal_lines where entry_id = new.entry_id
          group by currency having sum(debit) <> sum(credit) limit 1;
        if found then
          raise exception 'journal entry % does not balance in %', new.entry_id, bad.currency using errcode = '23514';
        end if;
        return null;
      end $$`,
    sql`
      create constraint trigger journal_lines_balanced after insert on finance.journal_lines
        deferrable initially deferred for each row execute function finance.assert_entry_balanced()`,
    sql`create trigger journal_entries_append_only before update or delete on finance.journal_entries for each row execute function finance.forbid_change()`,
    sql`create trigger journal_lines_append_only before update or delete on finance.journal_lines for each row execute function finance.forbid_change()`,
    sql`
      create table finance.invoices (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        customer_id uuid not null,
        sales_order_id uuid,
        shipment_id uuid constraint invoices_one_per_shipment unique,
        currency char(3) not null,
        status text not null default 'ISSUED' check (status in ('ISSUED', 'PARTIALLY_PAID', 'PAID', 'VOID')),
        issued_on date not null,
        due_on date not null,
        subtotal numeric(20, 4) not null,
        tax_total numeric(20, 4) not null,
        total numeric(20, 4) not null check (total >= 0),
        amount_paid numeric(20, 4) not null default 0 check (amount_paid >= 0 and amount_paid <= total),
        version integer not null default 1,
        created_at timestamptz not null default now()
      )`,
    sql`create index invoices_customer on finance.invoices (customer_id, due_on)`,
    sql`create index invoices_order on finance.invoices (sales_order_id)`,
    sql`
      create table finance.invoice_lines (
        invoice_id uuid not null references finance.invoices (id),
        line_number integer not null,
        description text not null,
        product_id uuid,
        quantity numeric(20, 6) not null,
        unit_price numeric(20, 4) not null,
        net_amount numeric(20, 4) not null,
        tax_amount numeric(20, 4) not null,
        primary key (invoice_id, line_number)
      )`,
    sql`
      create table finance.payments (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        customer_id uuid not null,
        amount numeric(20, 4) not null check (amount > 0),
        currency char(3) not null,
        method text not null,
        external_reference text not null,
        received_on date not null,
        created_at timestamptz not null default now(),
        constraint payments_reference_key unique (customer_id, external_reference)
      )`,
    sql`
      create table finance.allocations (
        payment_id uuid not null references finance.payments (id),
        invoice_id uuid not null references finance.invoices (id),
        amount numeric(20, 4) not null check (amount > 0),
        created_at timestamptz not null default now(),
        primary key (payment_id, invoice_id)
      )`,
    sql`create trigger payments_append_only before update or delete on finance.payments for each row execute function finance.forbid_change()`,
    sql`create trigger allocations_append_only before update or delete on finance.allocations for each row execute function finance.forbid_change()`,
    ...CHART.map(
      ([code, name, type]) => sql`insert into finance.accounts (code, name, type) values (${code}, ${name}, ${type})`,
    ),
  ]);
}
