import {
  OrderCancelled,
  OrderClosedShort,
  OrderConfirmationRequested,
  OrderRejected,
  OrderReservationsDeclined,
  ReservationRejected,
  ShipmentDispatched,
} from "@erp/contracts";
import {
  type ActionScope,
  BusinessRuleViolation,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  sql,
} from "@erp/core";
import type { InventoryDatabase } from "./db.js";
import { issueReservedStock, releaseReservation, reserveStock, trimReservationToShipped } from "./reservation.js";

type Scope = ActionScope<InventoryDatabase>;

/**
 * Reserves every line of a sales order, all or none. A refusal is an answer, not a failure:
 * the partial work is rolled back to a savepoint and inventory.reservation.rejected says why.
 */
async function reserveForOrder(
  event: DeliveredEventOf<typeof OrderConfirmationRequested>,
  scope: Scope,
): Promise<void> {
  const request = event.payload;
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
    // The first line's rule names the refusal; every line's refusal is in the message and in errors.
    const reason = { code: error.errors[0]!.code, message: error.errors.map((e) => e.message).join("; ") };
    await scope.emit(ReservationRejected, `${request.reference.type}:${request.reference.id}`, {
      reference: request.reference,
      reason,
      // The contract (v1) names a field by its dotted path.
      errors: error.errors.map((e) => ({ ...e, field: e.field?.join(".") ?? null })),
    });
  }
}

/** A cancelled or rejected order's reservations (or ones it declined) go back to available stock. */
async function releaseForOrder(event: DeliveredEvent<{ reservationIds: string[] }>, scope: Scope): Promise<void> {
  const { reservationIds } = event.payload;
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
  for (const { id } of active) await releaseReservation(scope, { reservationId: id }, "order-saga");
}

/** A sales order closed short: each reservation keeps what was shipped from it, the rest is released. */
async function releaseUnshipped(event: DeliveredEventOf<typeof OrderClosedShort>, scope: Scope): Promise<void> {
  const shipped = new Map(event.payload.reservations.map((r) => [r.reservationId, r.shippedQuantity]));
  if (!shipped.size) return;
  const held = await scope.trx
    .selectFrom("inventory.reservations")
    .select("id")
    .where("id", "in", [...shipped.keys()])
    .orderBy("product_id")
    .orderBy("warehouse_id")
    .execute();
  for (const { id } of held) await trimReservationToShipped(scope, id, shipped.get(id)!);
}

/** A shipment issues the reserved stock: ISSUE movements that reference the shipment. */
async function issueForShipment(event: DeliveredEventOf<typeof ShipmentDispatched>, scope: Scope): Promise<void> {
  const shipment = event.payload;
  // Issue in the global (product) order that reservations lock in, so shipments cannot deadlock.
  const lines = [...shipment.lines].sort((a, b) => a.productId.localeCompare(b.productId));
  for (const line of lines) {
    if (!line.reservationId) throw new Error(`Shipment ${shipment.shipmentId} has a line without a reservation`);
    await issueReservedStock(
      scope,
      {
        reservationId: line.reservationId,
        quantity: line.quantity,
        source: { type: "SalesShipment", id: shipment.shipmentId },
      },
      "order-saga",
    );
  }
}

export const orderFulfilmentHandlers = [
  defineHandler(OrderConfirmationRequested, "reserve-for-order", reserveForOrder),
  defineHandler(OrderCancelled, "release-for-cancelled-order", releaseForOrder),
  defineHandler(OrderRejected, "release-for-rejected-order", releaseForOrder),
  defineHandler(OrderReservationsDeclined, "release-declined-reservations", releaseForOrder),
  defineHandler(OrderClosedShort, "release-unshipped-for-closed-order", releaseUnshipped),
  defineHandler(ShipmentDispatched, "issue-for-shipment", issueForShipment),
];
