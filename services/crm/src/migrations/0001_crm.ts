import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`create sequence crm.customer_code_seq`,
    sql`
      create table crm.customers (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        code text not null constraint customers_code_key unique,
        name text not null check (length(name) between 1 and 200),
        tax_id text,
        email text,
        phone text,
        billing_address jsonb,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'BLOCKED')),
        blocked_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`create index customers_status on crm.customers (status, seq)`,
    sql`
      create table crm.contacts (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        customer_id uuid not null references crm.customers (id),
        name text not null,
        email text,
        phone text,
        job_title text,
        created_at timestamptz not null default now()
      )`,
    sql`create index contacts_customer on crm.contacts (customer_id, seq)`,
    sql`
      create table crm.opportunities (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        customer_id uuid not null references crm.customers (id),
        title text not null,
        amount numeric(20, 4) not null check (amount >= 0),
        currency char(3) not null,
        stage text not null default 'PROSPECTING'
          check (stage in ('PROSPECTING', 'PROPOSAL', 'NEGOTIATION', 'WON', 'LOST')),
        probability integer not null check (probability between 0 and 100),
        expected_close_date date,
        lost_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`create index opportunities_customer on crm.opportunities (customer_id, seq)`,
    sql`
      create table crm.leads (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        name text not null,
        company_name text,
        email text,
        phone text,
        source text,
        status text not null default 'NEW' check (status in ('NEW', 'QUALIFIED', 'CONVERTED', 'DISQUALIFIED')),
        disqualification_reason text,
        converted_customer_id uuid references crm.customers (id),
        converted_opportunity_id uuid references crm.opportunities (id),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`
      create table crm.activities (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        kind text not null check (kind in ('CALL', 'EMAIL', 'MEETING', 'NOTE')),
        subject text not null,
        notes text,
        occurred_at timestamptz not null,
        logged_by text not null,
        customer_id uuid references crm.customers (id),
        lead_id uuid references crm.leads (id),
        opportunity_id uuid references crm.opportunities (id),
        created_at timestamptz not null default now(),
        check (num_nonnulls(customer_id, lead_id, opportunity_id) = 1)
      )`,
    sql`create index activities_customer on crm.activities (customer_id, occurred_at desc) where customer_id is not null`,
    sql`create index activities_lead on crm.activities (lead_id, occurred_at desc) where lead_id is not null`,
    sql`create index activities_opportunity on crm.activities (opportunity_id, occurred_at desc) where opportunity_id is not null`,
  ]);
}
