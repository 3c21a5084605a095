import { randomUUID } from "node:crypto";
import { StockReceived, StockTransferred } from "@erp/contracts";
import { type ActionScope, Dec, fields, parseInput, QUANTITY_COLUMN } from "@erp/core";
import { z } from "zod";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase } from "./db.js";
import { InventoryErrorCode, refuse } from "./errors.js";
import { recordMovement, type StockMovement } from "./movement.js";
import { findStockedProduct } from "./product.js";
import { assertQuantity, showQuantity } from "./quantity.js";
import { assertAvailable, changeStockLevel, lockStockLevel, type StockLevel, toStockLevel } from "./stock-level.js";
import { inflowValue, outflowValue } from "./valuation.js";
import { findWarehouse } from "./warehouse.js";

export const documentReference = z.object({
  type: fields.text("Document type", 50),
  id: fields.text("Document id", 100),
});

const receiveSchema = z.object({
  productId: fields.id("productId"),
  warehouseId: fields.id("warehouseId"),
  quantity: z.string(),
  // The stock ledger keeps unit costs as numeric(20, 6): 14 digits before the point.
  unitCost: fields.money({ allowZero: true, column: QUANTITY_COLUMN }),
  source: documentReference.nullish(),
});

export async function receiveStock(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof receiveSchema>,
): Promise<{ movement: StockMovement; stockLevel: StockLevel }> {
  const data = parseInput(receiveSchema, input);
  const product = await findStockedProduct(scope.trx, data.productId, "productId", { allowDiscontinued: true });
  await findWarehouse(scope.trx, data.warehouseId);
  const quantity = assertQuantity(data.quantity, { unit: product.unit_of_measure }, "quantity");
  if (data.unitCost.currency !== valuationCurrency())
    refuse(InventoryErrorCode.CURRENCY_MISMATCH, `Stock is valued in ${valuationCurrency()}`, "unitCost.currency");
  const level = (await lockStockLevel(scope.trx, product.id, data.warehouseId, { create: true }))!;
  // The value is quantity × the unrounded cost, rounded once; the moving average follows from it.
  const value = inflowValue(quantity, data.unitCost.amount);
  const after = await changeStockLevel(scope, level, { onHand: quantity, value });
  const movement = await recordMovement(scope, {
    kind: "RECEIPT",
    productId: product.id,
    warehouseId: data.warehouseId,
    quantity,
    unitCost: new Dec(data.unitCost.amount),
    value,
    source: data.source,
  });
  await scope.audit("StockLevel", `${product.id}:${data.warehouseId}`, {
    movementId: movement.id,
    quantity: movement.quantity,
  });
  await scope.emit(StockReceived, `${product.id}:${data.warehouseId}`, {
    movementId: movement.id,
    productId: product.id,
    warehouseId: data.warehouseId,
    quantity: movement.quantity,
    unitCost: movement.exactUnitCost,
    value: movement.value,
    source: data.source ?? null,
  });
  return { movement, stockLevel: toStockLevel(after) };
}

const transferSchema = z.object({
  productId: fields.id("productId"),
  fromWarehouseId: fields.id("fromWarehouseId"),
  toWarehouseId: fields.id("toWarehouseId"),
  quantity: z.string(),
});

export async function transferStock(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof transferSchema>,
): Promise<{ outbound: StockMovement; inbound: StockMovement }> {
  const data = parseInput(transferSchema, input);
  if (data.fromWarehouseId === data.toWarehouseId)
    refuse(InventoryErrorCode.SAME_WAREHOUSE, "A transfer must go to a different warehouse", "toWarehouseId");
  const product = await findStockedProduct(scope.trx, data.productId, "productId", { allowDiscontinued: true });
  await findWarehouse(scope.trx, data.fromWarehouseId, "fromWarehouseId");
  await findWarehouse(scope.trx, data.toWarehouseId, "toWarehouseId");
  const quantity = assertQuantity(data.quantity, { unit: product.unit_of_measure }, "quantity");
  // Lock both levels in one global order (by warehouse id) so opposite transfers cannot deadlock.
  const [first, second] = [data.fromWarehouseId, data.toWarehouseId].sort();
  const locked = new Map<string, Awaited<ReturnType<typeof lockStockLevel>>>();
  for (const id of [first!, second!])
    locked.set(id, await lockStockLevel(scope.trx, product.id, id, { create: id === data.toWarehouseId }));
  const source = locked.get(data.fromWarehouseId);
  assertAvailable(source, quantity, "quantity", product.sku);
  const destination = locked.get(data.toWarehouseId)!;
  const cost = new Dec(source!.average_unit_cost);
  // The value leaves one warehouse and arrives in the other: the total held does not change.
  const value = outflowValue(source!, quantity);
  await changeStockLevel(scope, source!, { onHand: quantity.negated(), value: value.negated() });
  await changeStockLevel(scope, destination, { onHand: quantity, value });
  const transferId = randomUUID();
  const common = { productId: product.id, unitCost: cost, transferId };
  const outbound = await recordMovement(scope, {
    ...common,
    kind: "TRANSFER_OUT",
    warehouseId: data.fromWarehouseId,
    quantity: quantity.negated(),
    value: value.negated(),
  });
  const inbound = await recordMovement(scope, {
    ...common,
    kind: "TRANSFER_IN",
    warehouseId: data.toWarehouseId,
    quantity,
    value,
  });
  await scope.audit("StockTransfer", transferId, {
    productId: product.id,
    quantity: showQuantity(quantity),
    from: data.fromWarehouseId,
    to: data.toWarehouseId,
  });
  await scope.emit(StockTransferred, transferId, {
    productId: product.id,
    fromWarehouseId: data.fromWarehouseId,
    toWarehouseId: data.toWarehouseId,
    quantity: showQuantity(quantity),
  });
  return { outbound, inbound };
}
