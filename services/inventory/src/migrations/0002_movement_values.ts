import { currencyScale, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";
import { valuationCurrency } from "../config.js";

/**
 * Each movement records its exact value at the valuation currency's precision, and each stock
 * level the value it holds (the sum of its movements' values), so the ledger can post exactly
 * what inventory holds. Existing movements are valued at quantity × unit cost, rounded half-even;
 * the append-only trigger is set aside for that one backfill.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const scale = sql.lit(currencyScale(valuationCurrency()));
  // Half-even rounding of x to `scale` places; PostgreSQL's round() rounds half away from zero.
  const scaled = sql`(m.quantity * m.unit_cost * power(10::numeric, ${scale}))`;
  const halfEven = sql`(case when abs(${scaled} - trunc(${scaled})) = 0.5
      then 2 * round(${scaled} / 2) else round(${scaled}) end) / power(10::numeric, ${scale})`;
  await runStatements(db, [
    sql`alter table inventory.stock_movements add column value numeric(20, 4)`,
    sql`alter table inventory.stock_movements disable trigger stock_movements_append_only`,
    sql`update inventory.stock_movements m set value = ${halfEven}`,
    sql`alter table inventory.stock_movements enable trigger stock_movements_append_only`,
    sql`alter table inventory.stock_movements alter column value set not null`,
    sql`alter table inventory.stock_levels add column stock_value numeric(20, 4) not null default 0`,
    sql`
      update inventory.stock_levels l set stock_value = m.total
      from (
        select product_id, warehouse_id, sum(value) as total
        from inventory.stock_movements group by product_id, warehouse_id
      ) m
      where m.product_id = l.product_id and m.warehouse_id = l.warehouse_id`,
    // A goods receipt's movements are looked up by their source, so a second delivery adds nothing.
    sql`create index stock_movements_source on inventory.stock_movements (source_type, source_id)`,
  ]);
}
