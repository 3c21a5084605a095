import { OrderClosedShort } from "@erp/contracts";
import { type ActionScope, type Clock, Dec, fields, parseInput, runScheduledAction } from "@erp/core";
import type { Kysely } from "kysely";
import { z } from "zod";
import { confirmationTimeoutSeconds } from "./config.js";
import type { SalesDatabase } from "./db.js";
import { refuse, SalesErrorCode } from "./errors.js";
import { lockOrder, moveOrder } from "./order.js";
import { rejectOrder } from "./order-confirmation.js";

const closeSchema = z.object({
  salesOrderId: fields.id("salesOrderId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

/**
 * Closes a partly shipped order short: nothing more ships. Inventory keeps, of each line's reservation, what the
 * shipments took (their issue may still be on its way) and releases the rest; finance drops the credit hold.
 */
export async function closeSalesOrderShort(scope: ActionScope<SalesDatabase>, input: z.input<typeof closeSchema>) {
  const data = parseInput(closeSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  if (current.status !== "PARTIALLY_SHIPPED")
    refuse(
      SalesErrorCode.INVALID_STATE_TRANSITION,
      `Only a PARTIALLY_SHIPPED order can be closed short; this one is ${current.status}`,
      "salesOrderId",
    );
  const order = await moveOrder(scope, current, "CLOSED", { status_reason: data.reason });
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select(["reservation_id", "shipped_quantity"])
    .where("order_id", "=", order.id)
    .orderBy("line_number")
    .execute();
  await scope.emit(OrderClosedShort, order.id, {
    orderId: order.id,
    reason: data.reason,
    reservations: lines.flatMap((l) =>
      l.reservation_id
        ? [{ reservationId: l.reservation_id, shippedQuantity: new Dec(l.shipped_quantity).toFixed() }]
        : [],
    ),
  });
  return order;
}

/** Why a pending confirmation ended without an answer from both legs. */
export const CONFIRMATION_TIMEOUT = "CONFIRMATION_TIMEOUT";

/**
 * Rejects every order left in PENDING_CONFIRMATION longer than the timeout (a leg lost or stuck), releasing what
 * it holds as any rejection does. A leg's answer that arrives later is handled as for any rejected order: a
 * reservation is declined (released), a credit check finds the release's tombstone.
 */
export async function rejectOverdueConfirmations(scope: ActionScope<SalesDatabase>): Promise<{ rejected: number }> {
  const deadline = new Date(scope.now().getTime() - confirmationTimeoutSeconds() * 1000);
  // PENDING_CONFIRMATION is entered by moveOrder, which stamps updated_at; the saga's legs leave it alone.
  const overdue = await scope.trx
    .selectFrom("sales.sales_orders")
    .select("id")
    .where("status", "=", "PENDING_CONFIRMATION")
    .where("updated_at", "<", deadline)
    .orderBy("id")
    .limit(500)
    .execute();
  const seconds = confirmationTimeoutSeconds();
  for (const { id } of overdue)
    await rejectOrder(scope, id, {
      code: CONFIRMATION_TIMEOUT,
      message: `No answer from inventory and finance within ${seconds} seconds`,
    });
  return { rejected: overdue.length };
}

/** The minute job: one run per minute slot, as the system. */
export async function scheduledConfirmationTimeouts(db: Kysely<SalesDatabase>, clock: Clock): Promise<void> {
  const key = `confirmation-timeouts-${clock.now().toISOString().slice(0, 16)}`;
  await runScheduledAction(db, "sales", "rejectOverdueConfirmations", key, (s) => rejectOverdueConfirmations(s), clock);
}
