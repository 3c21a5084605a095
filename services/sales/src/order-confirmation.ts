import {
  type CreditApproved,
  type CreditRefused,
  OrderConfirmed,
  OrderRejected,
  OrderReservationsDeclined,
  type Reason,
  type ReservationRejected,
  type StockReserved,
} from "@erp/contracts";
import type { ActionScope, DeliveredEventOf as Delivered } from "@erp/core";
import type { SalesDatabase } from "./db.js";
import { lockOrder, moveOrder } from "./order.js";

type Scope = ActionScope<SalesDatabase>;

/**
 * The confirmation saga has two legs: inventory reserves the stock, finance checks the credit.
 * The order is CONFIRMED when both said yes, REJECTED as soon as one says no; whatever the
 * other leg already did is compensated (reservations released, credit hold dropped).
 */
async function confirmIfBothAgreed(scope: Scope, orderId: string): Promise<void> {
  const current = await lockOrder(scope.trx, orderId);
  if (current.status !== "PENDING_CONFIRMATION" || !current.stock_reserved || !current.credit_approved) return;
  const order = await moveOrder(scope, current, "CONFIRMED", { confirmed_at: scope.now() });
  await scope.emit(OrderConfirmed, order.id, {
    orderId: order.id,
    customerId: order.customerId,
    currency: order.currency,
  });
}

/** Inventory reserved every line: remember each line's reservation; confirm if finance agreed too. */
export async function confirmWithReservations(event: Delivered<typeof StockReserved>, scope: Scope): Promise<void> {
  const { reference, reservations } = event.payload;
  if (reference.type !== "SalesOrder") return;
  const current = await lockOrder(scope.trx, reference.id);
  if (current.status !== "PENDING_CONFIRMATION") {
    // Too late: the order was rejected meanwhile, so the stock goes back.
    await scope.emit(OrderReservationsDeclined, current.id, {
      orderId: current.id,
      reservationIds: reservations.map((r) => r.id),
    });
    return;
  }
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select(["id", "product_id"])
    .where("order_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  // Inventory answers the saga's request with one reservation per line, in the order requested;
  // anything else (say, a manual reservation naming this order) is not the answer.
  const answers =
    lines.length === reservations.length && lines.every((l, i) => reservations[i]!.productId === l.product_id);
  if (!answers) return;
  for (const [i, line] of lines.entries())
    await scope.trx
      .updateTable("sales.lines")
      .set({ reservation_id: reservations[i]!.id })
      .where("id", "=", line.id)
      .execute();
  await scope.trx
    .updateTable("sales.sales_orders")
    .set({ stock_reserved: true })
    .where("id", "=", current.id)
    .execute();
  await confirmIfBothAgreed(scope, current.id);
}

/** Finance found room on the customer's credit line. */
export async function confirmWithCredit(event: Delivered<typeof CreditApproved>, scope: Scope): Promise<void> {
  const { reference } = event.payload;
  if (reference.type !== "SalesOrder") return;
  const current = await lockOrder(scope.trx, reference.id);
  if (current.status !== "PENDING_CONFIRMATION") return;
  await scope.trx
    .updateTable("sales.sales_orders")
    .set({ credit_approved: true })
    .where("id", "=", current.id)
    .execute();
  await confirmIfBothAgreed(scope, current.id);
}

/** The order is REJECTED with the refusing domain's reason: its message and, apart, its code. */
export async function rejectOrder(scope: Scope, orderId: string, reason: Reason): Promise<void> {
  const current = await lockOrder(scope.trx, orderId);
  if (current.status !== "PENDING_CONFIRMATION") return;
  const order = await moveOrder(scope, current, "REJECTED", {
    status_reason: reason.message,
    status_reason_code: reason.code,
  });
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select("reservation_id")
    .where("order_id", "=", order.id)
    .execute();
  await scope.emit(OrderRejected, order.id, {
    orderId: order.id,
    reason,
    reservationIds: lines.flatMap((l) => l.reservation_id ?? []),
  });
}

/** Inventory could not reserve: the order is REJECTED with inventory's reason. */
export async function rejectForStock(event: Delivered<typeof ReservationRejected>, scope: Scope): Promise<void> {
  const { reference, reason } = event.payload;
  if (reference.type === "SalesOrder") await rejectOrder(scope, reference.id, reason);
}

/** Finance refused the credit: the order is REJECTED with finance's reason. */
export async function rejectForCredit(event: Delivered<typeof CreditRefused>, scope: Scope): Promise<void> {
  const { reference, reason } = event.payload;
  if (reference.type === "SalesOrder") await rejectOrder(scope, reference.id, reason);
}
