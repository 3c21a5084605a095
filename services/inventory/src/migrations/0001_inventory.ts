import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`
      create table inventory.products (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        sku text not null constraint products_sku_key unique,
        name text not null,
        description text,
        unit_of_measure text not null check (unit_of_measure in ('PIECE', 'BOX', 'KILOGRAM', 'METRE', 'LITRE', 'HOUR')),
        type text not null check (type in ('STOCKED', 'SERVICE')),
        standard_cost numeric(20, 4) not null check (standard_cost >= 0),
        cost_currency char(3) not null,
        list_price numeric(20, 4) not null check (list_price >= 0),
        price_currency char(3) not null,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISCONTINUED')),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
    sql`
      create table inventory.warehouses (
        id uuid primary key default gen_random_uuid(),
        code text not null constraint warehouses_code_key unique,
        name text not null,
        address jsonb,
        created_at timestamptz not null default now()
      )`,
    // The check constraints are the last line of defence: no interleaving can oversell.
    sql`
      create table inventory.stock_levels (
        product_id uuid not null references inventory.products (id),
        warehouse_id uuid not null references inventory.warehouses (id),
        on_hand numeric(20, 6) not null default 0 check (on_hand >= 0),
        reserved numeric(20, 6) not null default 0 check (reserved >= 0),
        average_unit_cost numeric(20, 6) not null default 0 check (average_unit_cost >= 0),
        reorder_point numeric(20, 6) check (reorder_point >= 0),
        reorder_quantity numeric(20, 6) check (reorder_quantity > 0),
        version integer not null default 1,
        updated_at timestamptz not null default now(),
        primary key (product_id, warehouse_id),
        constraint stock_levels_available_not_negative check (reserved <= on_hand)
      )`,
    sql`create index stock_levels_warehouse on inventory.stock_levels (warehouse_id)`,
    sql`
      create table inventory.stock_movements (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        product_id uuid not null,
        warehouse_id uuid not null,
        kind text not null check (kind in ('RECEIPT', 'ISSUE', 'TRANSFER_OUT', 'TRANSFER_IN', 'ADJUSTMENT')),
        quantity numeric(20, 6) not null check (quantity <> 0),
        unit_cost numeric(20, 6) not null check (unit_cost >= 0),
        reason_code text,
        source_type text,
        source_id text,
        transfer_id uuid,
        recorded_by text not null,
        occurred_at timestamptz not null default now(),
        foreign key (product_id, warehouse_id) references inventory.stock_levels (product_id, warehouse_id)
      )`,
    sql`create index stock_movements_level on inventory.stock_movements (product_id, warehouse_id, seq)`,
    sql`create index stock_movements_time on inventory.stock_movements (occurred_at)`,
    sql`
      create trigger stock_movements_append_only before update or delete on inventory.stock_movements
        for each row execute function inventory.forbid_change()`,
    sql`
      create table inventory.reservations (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        product_id uuid not null,
        warehouse_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        issued_quantity numeric(20, 6) not null default 0 check (issued_quantity >= 0 and issued_quantity <= quantity),
        reference_type text not null,
        reference_id text not null,
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'CONSUMED', 'RELEASED')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        foreign key (product_id, warehouse_id) references inventory.stock_levels (product_id, warehouse_id)
      )`,
    sql`create index reservations_reference on inventory.reservations (reference_type, reference_id)`,
    sql`
      create table inventory.stock_adjustments (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        product_id uuid not null,
        warehouse_id uuid not null,
        quantity numeric(20, 6) not null check (quantity <> 0),
        value numeric(20, 4) not null check (value >= 0),
        reason_code text not null,
        status text not null check (status in ('PENDING_APPROVAL', 'APPLIED', 'REJECTED')),
        requested_by text not null,
        decided_by text,
        rejection_reason text,
        movement_id uuid references inventory.stock_movements (id),
        created_at timestamptz not null default now(),
        decided_at timestamptz,
        foreign key (product_id, warehouse_id) references inventory.stock_levels (product_id, warehouse_id)
      )`,
  ]);
}
