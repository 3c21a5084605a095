import { StockAdjusted } from "@erp/contracts";
import {
  type ActionScope,
  assertFitsColumn,
  currencyScale,
  Dec,
  defineStateMachine,
  fields,
  type Money,
  money,
  parseInput,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { adjustmentApprovalThreshold, valuationCurrency } from "./config.js";
import type { InventoryDatabase, StockAdjustmentStatus, StockAdjustmentsTable, StockLevelsTable } from "./db.js";
import { InventoryErrorCode, notFound, refuse } from "./errors.js";
import { recordMovement } from "./movement.js";
import { findStockedProduct } from "./product.js";
import { assertQuantity, showQuantity } from "./quantity.js";
import { availableOf, changeStockLevel, lockStockLevel, type StockLevel, toStockLevel } from "./stock-level.js";
import { inflowValue, outflowValue } from "./valuation.js";
import { findWarehouse } from "./warehouse.js";

export type AdjustmentStatus = StockAdjustmentStatus;

export const adjustmentApproval = defineStateMachine<AdjustmentStatus>("Stock adjustment", {
  PENDING_APPROVAL: ["APPLIED", "REJECTED"],
  APPLIED: [],
  REJECTED: [],
});

export interface StockAdjustment {
  id: string;
  productId: string;
  warehouseId: string;
  quantity: string;
  value: Money;
  reasonCode: string;
  status: AdjustmentStatus;
  requestedBy: string;
  decidedBy: string | null;
  rejectionReason: string | null;
  createdAt: string;
}

type Row = Selectable<StockAdjustmentsTable>;

export function toAdjustment(row: Row): StockAdjustment {
  return {
    id: row.id,
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(row.quantity),
    value: money(row.value, valuationCurrency()),
    reasonCode: row.reason_code,
    status: row.status,
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    rejectionReason: row.rejection_reason,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const adjustSchema = z
  .object({
    productId: fields.id("productId"),
    warehouseId: fields.id("warehouseId"),
    countedQuantity: z.string().nullish(),
    delta: z.string().nullish(),
    reasonCode: fields.code(
      "Reason code",
      /^[A-Z][A-Z0-9_]{0,39}$/,
      "Reason code must be 1 to 40 upper-case letters, digits or _",
    ),
  })
  .refine((a) => (a.countedQuantity == null) !== (a.delta == null), {
    message: "Give either countedQuantity or delta",
    path: ["countedQuantity"],
  });

type Outcome = { adjustment: StockAdjustment; stockLevel: StockLevel };

/** Applies a small correction at once; one worth more than the threshold waits for approval. */
export async function adjustStock(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof adjustSchema>,
): Promise<Outcome> {
  const data = parseInput(adjustSchema, input);
  const product = await findStockedProduct(scope.trx, data.productId, "productId", { allowDiscontinued: true });
  await findWarehouse(scope.trx, data.warehouseId);
  const unit = product.unit_of_measure;
  const level = (await lockStockLevel(scope.trx, product.id, data.warehouseId, { create: true }))!;
  const delta =
    data.delta != null
      ? assertQuantity(data.delta, { unit, allowNegative: true }, "delta")
      : assertQuantity(data.countedQuantity!, { unit, allowZero: true }, "countedQuantity").minus(level.on_hand);
  if (delta.isZero())
    refuse(InventoryErrorCode.VALIDATION_FAILED, "The count matches on hand: nothing to adjust", "countedQuantity");
  // Whatever its value: a removal that needs approval must be possible when requested too.
  assertRemovable(level, delta, product.sku);
  const value = delta
    .abs()
    .times(level.average_unit_cost)
    .toDecimalPlaces(currencyScale(valuationCurrency()), Dec.ROUND_HALF_EVEN);
  assertFitsColumn(
    "The adjustment's value (quantity × unit cost)",
    value,
    data.delta != null ? "delta" : "countedQuantity",
  );
  const pending = value.gt(adjustmentApprovalThreshold());
  const row = await scope.trx
    .insertInto("inventory.stock_adjustments")
    .values({
      product_id: product.id,
      warehouse_id: data.warehouseId,
      quantity: delta.toFixed(),
      value: value.toFixed(),
      reason_code: data.reasonCode,
      status: "PENDING_APPROVAL",
      requested_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("StockAdjustment", row.id, { quantity: delta.toFixed(), value: value.toFixed(), pending });
  if (pending) return { adjustment: toAdjustment(row), stockLevel: toStockLevel(level) };
  return applyAdjustment(scope, row, product.sku, null);
}

/** A loss removes only available stock: what is reserved stays for its order. */
function assertRemovable(level: Selectable<StockLevelsTable>, delta: InstanceType<typeof Dec>, sku: string): void {
  if (delta.isNegative() && availableOf(level).lt(delta.abs()))
    refuse(
      InventoryErrorCode.INSUFFICIENT_STOCK,
      `Only ${showQuantity(availableOf(level))} of ${sku} available to remove (the rest is reserved)`,
      "delta",
    );
}

async function applyAdjustment(
  scope: ActionScope<InventoryDatabase>,
  adjustment: Row,
  sku: string,
  decidedBy: string | null,
): Promise<Outcome> {
  const level = (await lockStockLevel(scope.trx, adjustment.product_id, adjustment.warehouse_id))!;
  const delta = new Dec(adjustment.quantity);
  // Checked again on approval: the stock may have been issued or reserved while the adjustment waited.
  assertRemovable(level, delta, sku);
  // Signed like the quantity: a gain at average cost, a loss like an issue (the last unit takes the rest).
  const value = delta.isPositive()
    ? inflowValue(delta, level.average_unit_cost)
    : outflowValue(level, delta.abs()).negated();
  const after = await changeStockLevel(scope, level, { onHand: delta, value });
  const movement = await recordMovement(scope, {
    kind: "ADJUSTMENT",
    productId: adjustment.product_id,
    warehouseId: adjustment.warehouse_id,
    quantity: delta,
    unitCost: new Dec(level.average_unit_cost),
    value,
    reasonCode: adjustment.reason_code,
    source: { type: "StockAdjustment", id: adjustment.id },
  });
  // The adjustment keeps the value that actually moved (absolute), which may differ from the
  // estimate it was requested at once the average has moved or the count empties the level.
  const row = await decide(
    scope,
    adjustment,
    { status: "APPLIED", movement_id: movement.id, value: value.abs().toFixed() },
    decidedBy,
  );
  await scope.emit(StockAdjusted, row.id, {
    adjustmentId: row.id,
    movementId: movement.id,
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: movement.quantity,
    reasonCode: row.reason_code,
    // Signed like the quantity (and the movement): a gain is positive, a loss negative.
    value: movement.value,
  });
  return { adjustment: toAdjustment(row), stockLevel: toStockLevel(after) };
}

/** Records the decision; `decidedBy` is the second person, null when applied at once below the threshold. */
async function decide(
  scope: ActionScope<InventoryDatabase>,
  current: Row,
  changes: Partial<Row>,
  decidedBy: string | null,
) {
  adjustmentApproval.assertTransition(current.status, changes.status!);
  return scope.trx
    .updateTable("inventory.stock_adjustments")
    .set({ ...changes, decided_by: decidedBy, decided_at: decidedBy ? scope.now() : null })
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function lockAdjustment(trx: Transaction<InventoryDatabase>, id: string) {
  const row = await trx
    .selectFrom("inventory.stock_adjustments")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(InventoryErrorCode.ADJUSTMENT_NOT_FOUND, "The stock adjustment", "adjustmentId");
}

const approveSchema = z.object({ adjustmentId: fields.id("adjustmentId") });

export async function approveStockAdjustment(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof approveSchema>,
) {
  const data = parseInput(approveSchema, input);
  const adjustment = await lockAdjustment(scope.trx, data.adjustmentId);
  adjustmentApproval.assertTransition(adjustment.status, "APPLIED");
  if (adjustment.requested_by === scope.actor.subject)
    refuse(
      InventoryErrorCode.APPROVER_IS_REQUESTER,
      "An adjustment must be approved by someone other than its requester",
      "adjustmentId",
    );
  const product = await findStockedProduct(scope.trx, adjustment.product_id, "adjustmentId", {
    allowDiscontinued: true,
  });
  await scope.audit("StockAdjustment", adjustment.id, { decision: "APPROVED" });
  return applyAdjustment(scope, adjustment, product.sku, scope.actor.subject);
}

const rejectSchema = z.object({
  adjustmentId: fields.id("adjustmentId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

export async function rejectStockAdjustment(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof rejectSchema>,
) {
  const data = parseInput(rejectSchema, input);
  const adjustment = await lockAdjustment(scope.trx, data.adjustmentId);
  const row = await decide(
    scope,
    adjustment,
    { status: "REJECTED", rejection_reason: data.reason },
    scope.actor.subject,
  );
  await scope.audit("StockAdjustment", row.id, { decision: "REJECTED", reason: data.reason });
  const level = await lockStockLevel(scope.trx, row.product_id, row.warehouse_id);
  return { adjustment: toAdjustment(row), stockLevel: level ? toStockLevel(level) : null };
}
