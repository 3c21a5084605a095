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
  for (const reservationId of reservationIds) {
    const row = await scope.trx
      .selectFrom("inventory.reservations")
      .select("status")
      .where("id", "=", reservationId)
      .executeTakeFirst();
    if (row?.status === "ACTIVE") await releaseReservation(scope, { reservationId });
  }
}

interface Dispatched {
  shipmentId: string;
  lines: { reservationId: string | null; quantity: string }[];
}

/** A shipment issues the reserved stock: ISSUE movements that reference the shipment. */
async function issueForShipment(event: DeliveredEvent, scope: Scope): Promise<void> {
  const shipment = event.payload as unknown as Dispatched;
  for (const line of shipment.lines) {
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
