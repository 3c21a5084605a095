import { assertReportPeriod, Dec, type Money, money, sql } from "@erp/core";
import type { Kysely } from "kysely";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase, MovementKind } from "./db.js";

/** One kind of movement of a product in a period. */
export interface MovementKindTotal {
  kind: MovementKind;
  count: number;
  quantity: string;
  value: Money;
}

/** A product's stock over a period: what it started and ended with, and what moved in between. */
export interface ProductMovementReport {
  productId: string;
  warehouseId: string | null;
  from: string;
  to: string;
  openingQuantity: string;
  openingValue: Money;
  closingQuantity: string;
  closingValue: Money;
  byKind: MovementKindTotal[];
}

/**
 * Opening and closing quantity and value of a product (in one warehouse or all) around a period of
 * at most a year, and its movements in the period summed per kind: one statement over the
 * product's ledger (index stock_movements_level), read from the movements alone.
 */
export async function productMovementReport(
  db: Kysely<InventoryDatabase>,
  period: { productId: string; warehouseId: string | null; from: string; to: string },
): Promise<ProductMovementReport> {
  const { productId, warehouseId, from, to } = period;
  assertReportPeriod(from, to);
  const { rows } = await sql<{
    part: "opening" | "closing" | "moved";
    kind: MovementKind | null;
    count: number;
    quantity: string;
    value: string;
  }>`
    /* productMovementReport */
    with ledger as (
      select kind, quantity, value, occurred_at < ${from}::date as before, occurred_at < ${to}::date + 1 as until_end
      from inventory.stock_movements
      where product_id = ${productId} and (${warehouseId}::uuid is null or warehouse_id = ${warehouseId}::uuid))
    select 'opening' as part, null as kind, 0 as count, coalesce(sum(quantity) filter (where before), 0)::text as quantity,
           coalesce(sum(value) filter (where before), 0)::text as value from ledger
    union all
    select 'closing', null, 0, coalesce(sum(quantity) filter (where until_end), 0)::text,
           coalesce(sum(value) filter (where until_end), 0)::text from ledger
    union all
    select 'moved', kind, count(*)::int, sum(quantity)::text, sum(value)::text from ledger
    where not before and until_end group by kind`.execute(db);
  const currency = valuationCurrency();
  const opening = rows.find((r) => r.part === "opening")!;
  const closing = rows.find((r) => r.part === "closing")!;
  const kinds = rows.filter((r) => r.part === "moved");
  const quantity = (q: string) => new Dec(q).toFixed();
  return {
    productId,
    warehouseId,
    from,
    to,
    openingQuantity: quantity(opening.quantity),
    openingValue: money(opening.value, currency),
    closingQuantity: quantity(closing.quantity),
    closingValue: money(closing.value, currency),
    byKind: kinds
      .map((k) => ({ kind: k.kind!, count: k.count, quantity: quantity(k.quantity), value: money(k.value, currency) }))
      .sort((a, b) => a.kind.localeCompare(b.kind)),
  };
}
