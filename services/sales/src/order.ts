import { OrderCancelled, OrderConfirmationRequested, OrderPlaced } from "@erp/contracts";
import {
  type ActionScope,
  currencyScale,
  Dec,
  defineStateMachine,
  fields,
  nextDocumentNumber,
  parseInput,
  sql,
} from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import { confirmationBacklog } from "./config.js";
import type { OrderStatus, SalesDatabase, SalesOrdersTable } from "./db.js";
import { notFound, refuse, SalesErrorCode } from "./errors.js";
import { assertActiveEmployee } from "./known-employees.js";
import { type PricedLine, priceLines, storedLine } from "./pricing.js";

/** The order lifecycle; every other move is refused with INVALID_STATE_TRANSITION. */
export const orderLifecycle = defineStateMachine<OrderStatus>("Sales order", {
  DRAFT: ["PENDING_CONFIRMATION", "CANCELLED"],
  PENDING_CONFIRMATION: ["CONFIRMED", "REJECTED"],
  CONFIRMED: ["PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED"],
  PARTIALLY_SHIPPED: ["PARTIALLY_SHIPPED", "SHIPPED", "CLOSED"],
  SHIPPED: [],
  CLOSED: [],
  CANCELLED: [],
  REJECTED: [],
});

export interface SalesOrder {
  id: string;
  number: string;
  customerId: string;
  warehouseId: string;
  currency: string;
  status: OrderStatus;
  statusReason: string | null;
  statusReasonCode: string | null;
  salespersonId: string | null;
  salespersonName: string | null;
  notes: string | null;
  quoteId: string | null;
  version: number;
  placedAt: string;
  confirmedAt: string | null;
  cursorPosition: string;
}

export function toSalesOrder(row: Selectable<SalesOrdersTable>): SalesOrder {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    warehouseId: row.warehouse_id,
    currency: row.currency.trim(),
    status: row.status,
    statusReason: row.status_reason,
    statusReasonCode: row.status_reason_code,
    salespersonId: row.salesperson_id,
    salespersonName: row.salesperson_name,
    notes: row.notes,
    quoteId: row.quote_id,
    version: row.version,
    placedAt: new Date(row.placed_at).toISOString(),
    confirmedAt: row.confirmed_at ? new Date(row.confirmed_at).toISOString() : null,
    cursorPosition: row.seq,
  };
}

export function orderActions(status: OrderStatus): ("CONFIRM" | "CANCEL" | "SHIP" | "CLOSE_SHORT")[] {
  const next = orderLifecycle.nextStates(status);
  return [
    ...(next.includes("PENDING_CONFIRMATION") ? (["CONFIRM"] as const) : []),
    ...(next.includes("CANCELLED") ? (["CANCEL"] as const) : []),
    ...(next.includes("SHIPPED") ? (["SHIP"] as const) : []),
    ...(next.includes("CLOSED") ? (["CLOSE_SHORT"] as const) : []),
  ];
}

/** A customer sales has heard of and who may order; refuses CUSTOMER_NOT_FOUND or CUSTOMER_BLOCKED. */
export async function assertCustomerMayOrder(db: Kysely<SalesDatabase>, customerId: string, field = "customerId") {
  const customer = await db
    .selectFrom("sales.known_customers")
    .selectAll()
    .where("customer_id", "=", customerId)
    .executeTakeFirst();
  if (!customer) return notFound(SalesErrorCode.CUSTOMER_NOT_FOUND, "The customer", field);
  if (customer.status === "BLOCKED")
    refuse(SalesErrorCode.CUSTOMER_BLOCKED, `${customer.name} is blocked and cannot order`, field);
  return customer;
}

const lineSchema = z.object({
  productId: z.string(),
  quantity: z.string(),
  unitPrice: z.string().nullish(),
  discountPercent: z.string().nullish(),
  taxRate: z.string().nullish(),
});

const placeSchema = z.object({
  customerId: fields.id("customerId"),
  warehouseId: fields.id("warehouseId"),
  currency: z.string(),
  lines: z.array(lineSchema),
  salespersonId: fields.id("salespersonId").nullish(),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

/** A warehouse sales has heard of from inventory; refuses WAREHOUSE_NOT_FOUND. */
export async function assertWarehouseKnown(db: Kysely<SalesDatabase>, warehouseId: string, field = "warehouseId") {
  const found = await db
    .selectFrom("sales.known_warehouses")
    .select("warehouse_id")
    .where("warehouse_id", "=", warehouseId)
    .executeTakeFirst();
  if (!found) notFound(SalesErrorCode.WAREHOUSE_NOT_FOUND, "The warehouse", field);
}

export async function placeSalesOrder(
  scope: ActionScope<SalesDatabase>,
  input: z.input<typeof placeSchema>,
  quoteId?: string,
) {
  const data = parseInput(placeSchema, input);
  await assertCustomerMayOrder(scope.trx, data.customerId);
  await assertWarehouseKnown(scope.trx, data.warehouseId);
  if (data.salespersonId) await assertActiveEmployee(scope.trx, data.salespersonId, "salespersonId");
  const lines = await priceLines(scope.trx, data.lines, data.currency);
  return createOrder(scope, { ...data, lines, quoteId: quoteId ?? null });
}

export async function createOrder(
  scope: ActionScope<SalesDatabase>,
  order: {
    customerId: string;
    warehouseId: string;
    currency: string;
    lines: PricedLine[];
    salespersonId?: string | null;
    notes?: string | null;
    quoteId: string | null;
  },
): Promise<SalesOrder> {
  const row = await scope.trx
    .insertInto("sales.sales_orders")
    .values({
      number: await nextDocumentNumber(scope.trx, "sales.order_number_seq", "SO"),
      customer_id: order.customerId,
      warehouse_id: order.warehouseId,
      currency: order.currency,
      salesperson_id: order.salespersonId ?? null,
      notes: order.notes ?? null,
      quote_id: order.quoteId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("sales.lines")
    .values(order.lines.map((l) => ({ ...storedLine(l), order_id: row.id })))
    .execute();
  const salesOrder = toSalesOrder(row);
  await scope.audit("SalesOrder", row.id, { number: row.number, lines: order.lines.length });
  await scope.emit(OrderPlaced, row.id, {
    orderId: row.id,
    number: row.number,
    customerId: row.customer_id,
    currency: salesOrder.currency,
  });
  return salesOrder;
}

export async function lockOrder(trx: Transaction<SalesDatabase>, id: string, field = "salesOrderId") {
  const row = await trx
    .selectFrom("sales.sales_orders")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(SalesErrorCode.ORDER_NOT_FOUND, "The sales order", field);
}

export async function moveOrder(
  scope: ActionScope<SalesDatabase>,
  current: Selectable<SalesOrdersTable>,
  to: OrderStatus,
  changes: Partial<{ status_reason: string | null; status_reason_code: string | null; confirmed_at: Date }> = {},
): Promise<SalesOrder> {
  orderLifecycle.assertTransition(current.status, to);
  const row = await scope.trx
    .updateTable("sales.sales_orders")
    .set((eb) => ({ ...changes, status: to, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("SalesOrder", row.id, { from: current.status, to, ...changes });
  return toSalesOrder(row);
}

const orderIdSchema = z.object({ salesOrderId: fields.id("salesOrderId") });

/**
 * Starts the confirmation saga (order-confirmation.ts): the order waits in PENDING_CONFIRMATION
 * until inventory has reserved every line and finance has approved the credit (→ CONFIRMED), or
 * one of them refuses (→ REJECTED with its reason). Stock is never held by sales itself.
 */
export async function confirmSalesOrder(scope: ActionScope<SalesDatabase>, input: z.input<typeof orderIdSchema>) {
  const data = parseInput(orderIdSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  orderLifecycle.assertTransition(current.status, "PENDING_CONFIRMATION");
  await assertConfirmationsKeepUp(scope);
  await assertCustomerMayOrder(scope.trx, current.customer_id, "salesOrderId");
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .selectAll()
    .where("order_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  const order = await moveOrder(scope, current, "PENDING_CONFIRMATION");
  await scope.emit(OrderConfirmationRequested, order.id, {
    orderId: order.id,
    customerId: order.customerId,
    reference: { type: "SalesOrder", id: order.id },
    warehouseId: order.warehouseId,
    total: orderTotal(lines, order.currency),
    lines: lines.map((l) => ({ lineId: l.id, productId: l.product_id, quantity: new Dec(l.quantity).toFixed() })),
  });
  return order;
}

/**
 * Backpressure on the saga: while `orders` confirmations have waited longer than `seconds` for
 * inventory and finance (with `seconds` 0: while `orders` are waiting at all), a new one is
 * refused (CONFIRMATION_BACKLOG, nothing written) instead of joining a queue that grows faster
 * than it drains. Counted on the pending-since index, stopping
 * at `orders`; concurrent confirmations may pass the bound by a few, which backpressure tolerates.
 */
async function assertConfirmationsKeepUp(scope: ActionScope<SalesDatabase>): Promise<void> {
  const { seconds, orders } = confirmationBacklog();
  // By the business clock, as the confirmation timeout decides (order-closing.ts).
  const since = new Date(scope.now().getTime() - seconds * 1000);
  const { late } = await scope.trx
    .selectFrom((eb) =>
      eb
        .selectFrom("sales.sales_orders")
        .select("id")
        .where("status", "=", "PENDING_CONFIRMATION")
        .$if(seconds > 0, (q) => q.where("updated_at", "<", since))
        .limit(orders)
        .as("overdue"),
    )
    .select((eb) => eb.fn.countAll<string>().as("late"))
    .executeTakeFirstOrThrow();
  if (Number(late) >= orders)
    refuse(
      SalesErrorCode.CONFIRMATION_BACKLOG,
      `Confirmations are behind: ${orders} orders ${seconds ? `have waited more than ${seconds} s` : "are waiting"} for stock and credit; the order stays in DRAFT, retry in a few seconds`,
      "salesOrderId",
    );
}

const cancelSchema = orderIdSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

export async function cancelSalesOrder(scope: ActionScope<SalesDatabase>, input: z.input<typeof cancelSchema>) {
  const data = parseInput(cancelSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  const order = await moveOrder(scope, current, "CANCELLED", { status_reason: data.reason });
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .select("reservation_id")
    .where("order_id", "=", order.id)
    .execute();
  await scope.emit(OrderCancelled, order.id, {
    orderId: order.id,
    reason: data.reason,
    reservationIds: lines.flatMap((l) => l.reservation_id ?? []),
  });
  return order;
}

/** Gross total of stored lines, for the credit check. */
function orderTotal(lines: { net_amount: string; tax_amount: string }[], currency: string) {
  const total = lines.reduce((sum, l) => sum.plus(l.net_amount).plus(l.tax_amount), new Dec(0));
  return { amount: total.toFixed(currencyScale(currency)), currency };
}
