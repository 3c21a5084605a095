import { type ActionScope, BusinessRuleViolation, type DeliveredEvent, type EventHandler, sql } from "@erp/core";
import type { InventoryDatabase } from "./db.js";
import { issueReservedStock, releaseReservation, reserveStock } from "./reservation.js";

type Scope = ActionScope<InventoryDatabase>;

interface ConfirmationRequested {
  reference: { type: string; id: string };
  warehouseId: string;
  lines: { lineId: string; productId: string; quantity: string }[];
}

/**
 * Reserves every line of a sales order, all or none. A refusal is an answer, not a failure:
 * the partial work is rolled back to a savepoint and inventory.reservation.rejected says why.
 */
async function reserveForOrder(event: DeliveredEvent, scope: Scope): Promise<void> {
  const request = event.payload as unknown as ConfirmationRequested;
  await sql`savepoint reserve_for_order`.execute(scope.trx);
  try {
    await reserveStock(scope, {
      reference: request.reference,
      lines: request.lines.map((l) => ({
        productId: l.productId,
        warehouseId: request.warehouseId,
        quantity: l.quantity,
      })),
    });
  } catch (error) {
    if (!(error instanceof BusinessRuleViolation)) throw error;
    await sql`rollback to savepoint reserve_for_order`.execute(scope.trx);
    await scope.emit({
      type: "inventory.reservation.rejected",
      aggregateType: "Reservation",
      aggregateId: `${request.reference.type}:${request.reference.id}`,
      payload: {
        reference: request.reference,
        reason: error.errors.map((e) => e.message).join("; "),
        errors: error.errors,
      },
    });
  }
}

/** A cancelled order's reservations go back to available stock. */
async function releaseForCancelledOrder(event: DeliveredEvent, scope: Scope): Promise<void> {
  const { reservationIds } = event.payload as { reservationIds: string[] };
  if (!reservationIds.length) return;
  // Lock in the global (product, warehouse) order that reservations use, so releases cannot deadlock.
  const active = await scope.trx
    .selectFrom("inventory.reservations")
    .select("id")
    .where("id", "in", reservationIds)
    .where("status", "=", "ACTIVE")
    .orderBy("product_id")
    .orderBy("warehouse_id")
    .execute();
  for (const { id } of active) await releaseReservation(scope, { reservationId: id });
}

interface Dispatched {
  shipmentId: string;
  lines: { reservationId: string | null; productId: string; quantity: string }[];
}

/** A shipment issues the reserved stock: ISSUE movements that reference the shipment. */
async function issueForShipment(event: DeliveredEvent, scope: Scope): Promise<void> {
  const shipment = event.payload as unknown as Dispatched;
  // Issue in the global (product) order that reservations lock in, so shipments cannot deadlock.
  const lines = [...shipment.lines].sort((a, b) => a.productId.localeCompare(b.productId));
  for (const line of lines) {
    if (!line.reservationId) throw new Error(`Shipment ${shipment.shipmentId} has a line without a reservation`);
    await issueReservedStock(scope, {
      reservationId: line.reservationId,
      quantity: line.quantity,
      source: { type: "SalesShipment", id: shipment.shipmentId },
    });
  }
}

export const orderFulfilmentHandlers: EventHandler<InventoryDatabase>[] = [
  { name: "reserve-for-order", on: "sales.order.confirmation_requested", handle: reserveForOrder },
  { name: "release-for-cancelled-order", on: "sales.order.cancelled", handle: releaseForCancelledOrder },
  { name: "release-for-rejected-order", on: "sales.order.rejected", handle: releaseForCancelledOrder },
  { name: "release-declined-reservations", on: "sales.order.reservations_declined", handle: releaseForCancelledOrder },
  { name: "issue-for-shipment", on: "sales.shipment.dispatched", handle: issueForShipment },
];
