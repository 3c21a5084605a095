import {
  CreditApproved,
  CreditLineActivated,
  CreditLineRejected,
  CreditLineRequested,
  CreditLineSuspended,
  CreditRefused,
  type EventPayload,
  type OrderConfirmationRequested,
  type Reason,
} from "@erp/contracts";
import {
  type ActionScope,
  currencyScale,
  Dec,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineStateMachine,
  fields,
  type Money,
  parseInput,
  sql,
} from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import { dualApprovalLimit } from "./config.js";
import type { CreditLineStatus, CreditLinesTable, FinanceDatabase } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
import { showMoney } from "./journal.js";

export const creditLifecycle = defineStateMachine<CreditLineStatus>("Credit line", {
  PENDING_APPROVAL: ["ACTIVE", "REJECTED"],
  ACTIVE: ["SUSPENDED"],
  REJECTED: [],
  SUSPENDED: [],
});

export interface CreditLine {
  id: string;
  customerId: string;
  limit: Money;
  annualInterestRate: string | null;
  status: CreditLineStatus;
  requestedBy: string;
  approvers: string[];
  decisionReason: string | null;
  exposure: Money;
  available: Money;
}

type Db = Kysely<FinanceDatabase>;

/** Open invoice balances plus confirmed orders not yet invoiced, in the line's currency. */
export async function exposure(db: Db, customerId: string, currency: string) {
  const { rows } = await sql<{ invoices: string | null; holds: string | null }>`
    select (select sum(total + interest_accrued - amount_paid - amount_credited) from finance.invoices
             where customer_id = ${customerId} and currency = ${currency} and status in ('ISSUED', 'PARTIALLY_PAID')) as invoices,
           (select sum(amount) from finance.credit_holds where customer_id = ${customerId} and currency = ${currency} and status = 'HELD') as holds`.execute(
    db,
  );
  return new Dec(rows[0]?.invoices ?? 0).plus(rows[0]?.holds ?? 0);
}

export async function toCreditLine(db: Db, row: Selectable<CreditLinesTable>): Promise<CreditLine> {
  const currency = row.currency.trim();
  const used = await exposure(db, row.customer_id, currency);
  const approvers = await db
    .selectFrom("finance.credit_line_approvals")
    .select("approver")
    .where("credit_line_id", "=", row.id)
    .orderBy("approved_at")
    .execute();
  return {
    id: row.id,
    customerId: row.customer_id,
    limit: showMoney(row.limit_amount, currency),
    annualInterestRate: row.annual_interest_rate === null ? null : new Dec(row.annual_interest_rate).toFixed(),
    status: row.status,
    requestedBy: row.requested_by,
    approvers: approvers.map((a) => a.approver),
    decisionReason: row.decision_reason,
    exposure: showMoney(used, currency),
    available: showMoney(Dec.max(0, new Dec(row.limit_amount).minus(used)), currency),
  };
}

const requestSchema = z.object({
  customerId: fields.id("customerId"),
  limit: fields.money(),
  annualInterestRate: z
    .string()
    .regex(/^(100|[1-9]?\d)(\.\d{1,4})?$/, "The rate is 0 to 100 percent with at most 4 decimals")
    .nullish(),
});

export async function requestCreditLine(scope: ActionScope<FinanceDatabase>, input: z.input<typeof requestSchema>) {
  const data = parseInput(requestSchema, input);
  const known = await scope.trx
    .selectFrom("finance.known_customers")
    .select("customer_id")
    .where("customer_id", "=", data.customerId)
    .executeTakeFirst();
  if (!known) notFound(FinanceErrorCode.CUSTOMER_NOT_FOUND, "The customer", "customerId");
  const row = await scope.trx
    .insertInto("finance.credit_lines")
    .values({
      customer_id: data.customerId,
      limit_amount: data.limit.amount,
      currency: data.limit.currency,
      annual_interest_rate: data.annualInterestRate ?? null,
      requested_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("CreditLine", row.id, { limit: data.limit });
  await scope.emit(CreditLineRequested, row.id, {
    creditLineId: row.id,
    customerId: row.customer_id,
    limit: data.limit,
  });
  return toCreditLine(scope.trx, row);
}

async function lockLine(trx: Transaction<FinanceDatabase>, id: string) {
  const row = await trx
    .selectFrom("finance.credit_lines")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(FinanceErrorCode.CREDIT_LINE_NOT_FOUND, "The credit line", "creditLineId");
}

/** The event of each status a credit line can move to. */
const LINE_EVENTS = { ACTIVE: CreditLineActivated, REJECTED: CreditLineRejected, SUSPENDED: CreditLineSuspended };

async function moveLine(
  scope: ActionScope<FinanceDatabase>,
  current: Selectable<CreditLinesTable>,
  to: keyof typeof LINE_EVENTS,
  reason: string | null,
) {
  creditLifecycle.assertTransition(current.status, to);
  const row = await scope.trx
    .updateTable("finance.credit_lines")
    .set((eb) => ({ status: to, decision_reason: reason, version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("CreditLine", row.id, { from: current.status, to, reason });
  await scope.emit(LINE_EVENTS[to], row.id, { creditLineId: row.id, customerId: row.customer_id });
  return toCreditLine(scope.trx, row);
}

const idSchema = z.object({ creditLineId: fields.id("creditLineId") });

/** Never the requester; above the dual-approval limit, two different approvers before it is ACTIVE. */
export async function approveCreditLine(scope: ActionScope<FinanceDatabase>, input: z.input<typeof idSchema>) {
  const data = parseInput(idSchema, input);
  const current = await lockLine(scope.trx, data.creditLineId);
  creditLifecycle.assertTransition(current.status, "ACTIVE");
  if (current.requested_by === scope.actor.subject)
    refuse(
      FinanceErrorCode.APPROVER_IS_REQUESTER,
      "A credit line must be approved by someone other than its requester",
      "creditLineId",
    );
  const approvals = await scope.trx
    .selectFrom("finance.credit_line_approvals")
    .select("approver")
    .where("credit_line_id", "=", current.id)
    .execute();
  if (approvals.some((a) => a.approver === scope.actor.subject))
    refuse(
      FinanceErrorCode.ALREADY_APPROVED,
      "You already approved this credit line; a second approver is needed",
      "creditLineId",
    );
  await scope.trx
    .insertInto("finance.credit_line_approvals")
    .values({ credit_line_id: current.id, approver: scope.actor.subject })
    .execute();
  const needed = new Dec(current.limit_amount).gt(dualApprovalLimit()) ? 2 : 1;
  if (approvals.length + 1 < needed) {
    await scope.audit("CreditLine", current.id, { approval: approvals.length + 1, of: needed });
    return toCreditLine(scope.trx, current);
  }
  return moveLine(scope, current, "ACTIVE", null);
}

const decideSchema = idSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

export async function rejectCreditLine(scope: ActionScope<FinanceDatabase>, input: z.input<typeof decideSchema>) {
  const data = parseInput(decideSchema, input);
  return moveLine(scope, await lockLine(scope.trx, data.creditLineId), "REJECTED", data.reason);
}

export async function suspendCreditLine(scope: ActionScope<FinanceDatabase>, input: z.input<typeof decideSchema>) {
  const data = parseInput(decideSchema, input);
  return moveLine(scope, await lockLine(scope.trx, data.creditLineId), "SUSPENDED", data.reason);
}

/**
 * The credit leg of the order confirmation saga. The customer's credit line is locked, so
 * concurrent confirmations are checked one after another and exposure never passes the limit.
 * A customer without a credit line has no limit; a suspended line refuses everything.
 */
export async function checkCreditForOrder(
  event: DeliveredEventOf<typeof OrderConfirmationRequested>,
  scope: ActionScope<FinanceDatabase>,
): Promise<void> {
  const order = event.payload;
  const existing = await scope.trx
    .selectFrom("finance.credit_holds")
    .select("status")
    .where("order_id", "=", order.orderId)
    .executeTakeFirst();
  if (existing) return; // already decided, or the order was rejected or cancelled before we got here
  const line = await scope.trx
    .selectFrom("finance.credit_lines")
    .selectAll()
    .where("customer_id", "=", order.customerId)
    .where("status", "in", ["ACTIVE", "SUSPENDED"])
    .orderBy("seq", "desc")
    .forUpdate()
    .executeTakeFirst();
  const refusal = line && (await creditRefusal(scope.trx, line, order));
  if (refusal) {
    await scope.emit(CreditRefused, order.orderId, { reference: order.reference, reason: refusal });
    return;
  }
  // The release of a rejected or cancelled order may have written its tombstone since we looked: it wins, and the
  // order (already rejected) needs no answer. Either handler may come first; neither fails on the other's row.
  const held = await scope.trx
    .insertInto("finance.credit_holds")
    .values({
      order_id: order.orderId,
      customer_id: order.customerId,
      currency: order.total.currency,
      amount: order.total.amount,
      status: "HELD",
    })
    .onConflict((oc) => oc.column("order_id").doNothing())
    .returning("order_id")
    .executeTakeFirst();
  if (!held) return;
  await scope.emit(CreditApproved, order.orderId, { reference: order.reference, amount: order.total });
}

/** Why the credit leg refuses an order; sales keeps the code on the rejected order. */
export const CreditRefusalCode = {
  CREDIT_LIMIT_EXCEEDED: "CREDIT_LIMIT_EXCEEDED",
  CREDIT_LINE_SUSPENDED: "CREDIT_LINE_SUSPENDED",
} as const;

async function creditRefusal(
  trx: Transaction<FinanceDatabase>,
  line: Selectable<CreditLinesTable>,
  order: EventPayload<typeof OrderConfirmationRequested>,
): Promise<Reason | null> {
  if (line.status === "SUSPENDED")
    return { code: CreditRefusalCode.CREDIT_LINE_SUSPENDED, message: "The customer's credit line is suspended" };
  const { amount, currency } = order.total;
  if (line.currency.trim() !== currency) return null;
  const used = await exposure(trx, order.customerId, currency);
  if (used.plus(amount).lte(line.limit_amount)) return null;
  const available = Dec.max(0, new Dec(line.limit_amount).minus(used)).toFixed(currencyScale(currency));
  return {
    code: CreditRefusalCode.CREDIT_LIMIT_EXCEEDED,
    message: `${amount} ${currency} would exceed the available credit of ${available} ${currency}`,
  };
}

/** A rejected or cancelled order no longer counts; a tombstone stops a late credit check from holding it. */
export async function releaseCreditHold(
  event: DeliveredEvent<{ orderId: string }>,
  scope: ActionScope<FinanceDatabase>,
): Promise<void> {
  const { orderId } = event.payload;
  await scope.trx
    .insertInto("finance.credit_holds")
    .values({
      order_id: orderId,
      customer_id: "00000000-0000-0000-0000-000000000000",
      currency: "XXX",
      amount: "0",
      status: "RELEASED",
    })
    .onConflict((oc) => oc.column("order_id").doUpdateSet({ status: "RELEASED", updated_at: sql`now()` }))
    .execute();
}

/** An invoice replaces (part of) its order's hold in the exposure. */
export async function reduceHoldByInvoice(
  trx: Transaction<FinanceDatabase>,
  orderId: string,
  invoiced: InstanceType<typeof Dec>,
) {
  const hold = await trx
    .selectFrom("finance.credit_holds")
    .selectAll()
    .where("order_id", "=", orderId)
    .where("status", "=", "HELD")
    .forUpdate()
    .executeTakeFirst();
  if (!hold) return;
  const left = Dec.max(0, new Dec(hold.amount).minus(invoiced));
  await trx
    .updateTable("finance.credit_holds")
    .set({ amount: left.toFixed(), ...(left.isZero() && { status: "RELEASED" as const }), updated_at: sql`now()` })
    .where("order_id", "=", orderId)
    .execute();
}
