import { z } from "zod";
import { decimal, defineEvent, documentReference, entityId, money, reason } from "./contract.js";

/** A quantity in the product's unit, as an exact decimal string. */
const quantity = decimal;

const productSnapshot = z.object({
  productId: entityId,
  sku: z.string(),
  name: z.string(),
  type: z.enum(["STOCKED", "SERVICE"]),
  status: z.enum(["ACTIVE", "DISCONTINUED"]),
  quantityPrecision: z.number().int().min(0),
  listPrice: money,
  /** Increases with every change, so a consumer keeps only the newest snapshot. */
  version: z.number().int().positive(),
});
const productEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "inventory", aggregateType: "Product", payload: productSnapshot });

export const ProductRegistered = productEvent("inventory.product.registered");
export const ProductDetailsUpdated = productEvent("inventory.product.details_updated");
export const ProductDiscontinued = productEvent("inventory.product.discontinued");

export const WarehouseOpened = defineEvent({
  type: "inventory.warehouse.opened",
  version: 1,
  source: "inventory",
  aggregateType: "Warehouse",
  payload: z.object({ warehouseId: entityId, code: z.string(), name: z.string() }),
});

/** The answer to a reservation request (e.g. a sales order's): one reservation per requested line, in order. */
export const StockReserved = defineEvent({
  type: "inventory.stock.reserved",
  version: 1,
  source: "inventory",
  aggregateType: "Reservation",
  payload: z.object({
    reference: documentReference,
    reservations: z.array(z.object({ id: entityId, productId: entityId, warehouseId: entityId, quantity })),
  }),
});

/** A reservation request refused as a whole; `errors` lists each line's refusal. */
export const ReservationRejected = defineEvent({
  type: "inventory.reservation.rejected",
  version: 1,
  source: "inventory",
  aggregateType: "Reservation",
  payload: z.object({
    reference: documentReference,
    reason,
    errors: z.array(z.object({ code: z.string(), message: z.string(), field: z.string().nullish() })),
  }),
});

export const ReservationReleased = defineEvent({
  type: "inventory.reservation.released",
  version: 1,
  source: "inventory",
  aggregateType: "Reservation",
  payload: z.object({
    reservationId: entityId,
    reference: documentReference,
    productId: entityId,
    warehouseId: entityId,
    quantity,
  }),
});

/** `value` is the movement's exact value at the currency's precision: what the ledger posts. */
export const StockIssued = defineEvent({
  type: "inventory.stock.issued",
  version: 2,
  source: "inventory",
  aggregateType: "Reservation",
  payload: z.object({
    reservationId: entityId,
    movementId: entityId,
    reference: documentReference,
    productId: entityId,
    warehouseId: entityId,
    quantity,
    unitCost: money,
    value: money,
    source: documentReference.nullable(),
  }),
});

/** `value` is the movement's exact value at the currency's precision: what the ledger posts. */
export const StockReceived = defineEvent({
  type: "inventory.stock.received",
  version: 2,
  source: "inventory",
  aggregateType: "StockLevel",
  payload: z.object({
    movementId: entityId,
    productId: entityId,
    warehouseId: entityId,
    quantity,
    unitCost: money,
    value: money,
    source: documentReference.nullable(),
  }),
});

export const StockTransferred = defineEvent({
  type: "inventory.stock.transferred",
  version: 1,
  source: "inventory",
  aggregateType: "StockTransfer",
  payload: z.object({ productId: entityId, fromWarehouseId: entityId, toWarehouseId: entityId, quantity }),
});

export const StockAdjusted = defineEvent({
  type: "inventory.stock.adjusted",
  version: 1,
  source: "inventory",
  aggregateType: "StockAdjustment",
  payload: z.object({
    adjustmentId: entityId,
    movementId: entityId,
    productId: entityId,
    warehouseId: entityId,
    quantity,
    reasonCode: z.string(),
    value: money,
  }),
});

export const StockLow = defineEvent({
  type: "inventory.stock.low",
  version: 1,
  source: "inventory",
  aggregateType: "StockLevel",
  payload: z.object({
    productId: entityId,
    warehouseId: entityId,
    available: quantity,
    reorderPoint: quantity,
    reorderQuantity: quantity.nullable(),
  }),
});

/**
 * Inventory's own valuation, for finance's reconciliation: per currency, the value of stock on
 * hand (the sum of every valued movement's exact value) and how many valued movements it counts.
 */
export const ValuationReported = defineEvent({
  type: "inventory.valuation.reported",
  version: 1,
  source: "inventory",
  aggregateType: "StockValuation",
  payload: z.object({
    reportedAt: z.string().datetime({ offset: true }),
    valuations: z.array(
      z.object({
        currency: z.string().regex(/^[A-Z]{3}$/),
        value: decimal,
        valuedMovements: z.number().int().min(0),
      }),
    ),
  }),
});

/** The hourly comparison of stock on hand with the sum of its movements. */
export const LedgerChecked = defineEvent({
  type: "inventory.ledger.checked",
  version: 1,
  source: "inventory",
  aggregateType: "StockLedger",
  payload: z.object({
    checkedAt: z.string().datetime({ offset: true }),
    discrepancies: z.array(
      z.object({ productId: entityId, warehouseId: entityId, onHand: quantity, ledgerQuantity: quantity }),
    ),
  }),
});

/** Every event inventory publishes. */
export const inventoryEvents = [
  ProductRegistered,
  ProductDetailsUpdated,
  ProductDiscontinued,
  WarehouseOpened,
  StockReserved,
  ReservationRejected,
  ReservationReleased,
  StockIssued,
  StockReceived,
  StockTransferred,
  StockAdjusted,
  StockLow,
  LedgerChecked,
  ValuationReported,
] as const;
