import { StockLow } from "@erp/contracts";
import {
  type ActionScope,
  assertFitsColumn,
  Dec,
  fields,
  type Money,
  money,
  parseInput,
  QUANTITY_COLUMN,
  sql,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase, StockLevelsTable } from "./db.js";
import { InventoryErrorCode, refuse } from "./errors.js";
import { findStockedProduct } from "./product.js";
import { assertQuantity, showQuantity } from "./quantity.js";
import { averageCost, valueMoney } from "./valuation.js";
import { findWarehouse } from "./warehouse.js";

type Row = Selectable<StockLevelsTable>;

export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: string;
  reserved: string;
  available: string;
  averageUnitCost: Money;
  stockValue: Money;
  reorderPoint: string | null;
  reorderQuantity: string | null;
  belowReorderPoint: boolean;
}

export const availableOf = (row: Pick<Row, "on_hand" | "reserved">) => new Dec(row.on_hand).minus(row.reserved);

const isBelowReorderPoint = (row: Row) => row.reorder_point !== null && availableOf(row).lt(row.reorder_point);

export function toStockLevel(row: Row): StockLevel {
  return {
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    onHand: showQuantity(row.on_hand),
    reserved: showQuantity(row.reserved),
    available: showQuantity(availableOf(row)),
    averageUnitCost: money(row.average_unit_cost, valuationCurrency()),
    stockValue: valueMoney(row.stock_value),
    reorderPoint: row.reorder_point === null ? null : showQuantity(row.reorder_point),
    reorderQuantity: row.reorder_quantity === null ? null : showQuantity(row.reorder_quantity),
    belowReorderPoint: isBelowReorderPoint(row),
  };
}

/**
 * Locks one product × warehouse stock level for the rest of the transaction; every change to
 * stock goes through this lock, so no interleaving can oversell. `create` makes an empty level.
 */
export async function lockStockLevel(
  trx: Transaction<InventoryDatabase>,
  productId: string,
  warehouseId: string,
  options: { create?: boolean } = {},
): Promise<Row | undefined> {
  if (options.create)
    await trx
      .insertInto("inventory.stock_levels")
      .values({ product_id: productId, warehouse_id: warehouseId })
      .onConflict((oc) => oc.columns(["product_id", "warehouse_id"]).doNothing())
      .execute();
  return trx
    .selectFrom("inventory.stock_levels")
    .selectAll()
    .where("product_id", "=", productId)
    .where("warehouse_id", "=", warehouseId)
    .forUpdate()
    .executeTakeFirst();
}

export interface StockChange {
  onHand?: InstanceType<typeof Dec>;
  reserved?: InstanceType<typeof Dec>;
  /** The signed value the movement adds to (or takes from) the level's stock value. */
  value?: InstanceType<typeof Dec>;
  /** The input field a too-large result is blamed on; "quantity" when absent. */
  field?: string;
}

/** Refuses VALIDATION_FAILED when the level's quantity or its value would overflow. */
function assertLevelFits(onHand: InstanceType<typeof Dec>, stockValue: InstanceType<typeof Dec>, field: string) {
  assertFitsColumn("The quantity on hand", onHand, field, QUANTITY_COLUMN);
  assertFitsColumn("The stock value (quantity × unit cost)", stockValue, field);
}

/**
 * Applies deltas to a locked level; announces inventory.stock.low when available crosses the
 * reorder point. Stock coming in re-derives the average cost from the value held (value over
 * quantity); stock going out leaves the average as it was.
 */
export async function changeStockLevel(
  scope: ActionScope<InventoryDatabase>,
  before: Row,
  change: StockChange,
): Promise<Row> {
  const onHand = new Dec(before.on_hand).plus(change.onHand ?? 0);
  const stockValue = new Dec(before.stock_value).plus(change.value ?? 0);
  const inflow = change.onHand?.isPositive() ?? false;
  const average = inflow ? averageCost(stockValue, onHand) : new Dec(before.average_unit_cost);
  if (inflow) assertLevelFits(onHand, stockValue, change.field ?? "quantity");
  const after = await scope.trx
    .updateTable("inventory.stock_levels")
    .set((eb) => ({
      on_hand: onHand.toFixed(),
      reserved: new Dec(before.reserved).plus(change.reserved ?? 0).toFixed(),
      average_unit_cost: average.toFixed(),
      stock_value: stockValue.toFixed(),
      version: eb("version", "+", 1),
      updated_at: sql`now()`,
    }))
    .where("product_id", "=", before.product_id)
    .where("warehouse_id", "=", before.warehouse_id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (isBelowReorderPoint(after) && !isBelowReorderPoint(before)) await announceLowStock(scope, after);
  return after;
}

async function announceLowStock(scope: ActionScope<InventoryDatabase>, row: Row): Promise<void> {
  await scope.emit(StockLow, `${row.product_id}:${row.warehouse_id}`, {
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    available: showQuantity(availableOf(row)),
    reorderPoint: showQuantity(row.reorder_point!),
    reorderQuantity: row.reorder_quantity && showQuantity(row.reorder_quantity),
  });
}

/** Refuses INSUFFICIENT_STOCK unless `quantity` is available on the locked level. */
export function assertAvailable(row: Row | undefined, quantity: InstanceType<typeof Dec>, field: string, sku: string) {
  const available = row ? availableOf(row) : new Dec(0);
  if (available.lt(quantity))
    refuse(
      InventoryErrorCode.INSUFFICIENT_STOCK,
      `Only ${showQuantity(available)} of ${sku} available, ${showQuantity(quantity)} requested`,
      field,
    );
}

const reorderSchema = z.object({
  productId: fields.id("productId"),
  warehouseId: fields.id("warehouseId"),
  reorderPoint: z.string(),
  reorderQuantity: z.string(),
});

export async function setReorderPoint(scope: ActionScope<InventoryDatabase>, input: z.input<typeof reorderSchema>) {
  const data = parseInput(reorderSchema, input);
  const product = await findStockedProduct(scope.trx, data.productId, "productId", { allowDiscontinued: true });
  await findWarehouse(scope.trx, data.warehouseId);
  const point = assertQuantity(data.reorderPoint, { unit: product.unit_of_measure, allowZero: true }, "reorderPoint");
  const quantity = assertQuantity(data.reorderQuantity, { unit: product.unit_of_measure }, "reorderQuantity");
  const before = (await lockStockLevel(scope.trx, product.id, data.warehouseId, { create: true }))!;
  const after = await scope.trx
    .updateTable("inventory.stock_levels")
    .set((eb) => ({
      reorder_point: point.toFixed(),
      reorder_quantity: quantity.toFixed(),
      version: eb("version", "+", 1),
    }))
    .where("product_id", "=", product.id)
    .where("warehouse_id", "=", data.warehouseId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("StockLevel", `${product.id}:${data.warehouseId}`, {
    reorderPoint: point.toFixed(),
    reorderQuantity: quantity.toFixed(),
  });
  if (isBelowReorderPoint(after) && !isBelowReorderPoint(before)) await announceLowStock(scope, after);
  return toStockLevel(after);
}
