import { type ActionScope, Dec, type Money, money } from "@erp/core";
import type { Selectable } from "kysely";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase, MovementKind, StockMovementsTable } from "./db.js";
import { showQuantity } from "./quantity.js";
import { unitCostMoney, valueMoney } from "./valuation.js";

export interface DocumentReference {
  type: string;
  id: string;
}

export interface StockMovement {
  id: string;
  kind: MovementKind;
  productId: string;
  warehouseId: string;
  quantity: string;
  /** The ledger's unit cost, shown at the currency's precision. */
  unitCost: Money;
  /** The unit cost unrounded (6 decimals), as events carry it. */
  exactUnitCost: Money;
  /** Signed like quantity: the exact value moved, at the currency's precision. */
  value: Money;
  reasonCode: string | null;
  source: DocumentReference | null;
  recordedBy: string;
  occurredAt: string;
  cursorPosition: string;
}

export function toMovement(row: Selectable<StockMovementsTable>): StockMovement {
  return {
    id: row.id,
    kind: row.kind,
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(row.quantity),
    unitCost: money(row.unit_cost, valuationCurrency()),
    exactUnitCost: unitCostMoney(row.unit_cost),
    value: valueMoney(row.value),
    reasonCode: row.reason_code,
    source: row.source_type && row.source_id ? { type: row.source_type, id: row.source_id } : null,
    recordedBy: row.recorded_by,
    occurredAt: new Date(row.occurred_at).toISOString(),
    cursorPosition: row.seq,
  };
}

export interface NewMovement {
  kind: MovementKind;
  productId: string;
  warehouseId: string;
  /** Signed: positive into the warehouse, negative out. */
  quantity: InstanceType<typeof Dec>;
  unitCost: InstanceType<typeof Dec>;
  /** Signed like quantity, already at the currency's precision (see valuation.ts). */
  value: InstanceType<typeof Dec>;
  reasonCode?: string;
  source?: DocumentReference | null;
  transferId?: string;
}

/** Appends one entry to the stock ledger; the database refuses any later update or delete. */
export async function recordMovement(
  scope: ActionScope<InventoryDatabase>,
  movement: NewMovement,
): Promise<StockMovement> {
  const row = await scope.trx
    .insertInto("inventory.stock_movements")
    .values({
      kind: movement.kind,
      product_id: movement.productId,
      warehouse_id: movement.warehouseId,
      quantity: movement.quantity.toFixed(),
      unit_cost: new Dec(movement.unitCost).toDecimalPlaces(6).toFixed(),
      value: movement.value.toFixed(),
      reason_code: movement.reasonCode ?? null,
      source_type: movement.source?.type ?? null,
      source_id: movement.source?.id ?? null,
      transfer_id: movement.transferId ?? null,
      recorded_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMovement(row);
}
