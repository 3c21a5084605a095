import { QuoteAccepted, QuoteCreated, QuoteRejected, QuoteSent } from "@erp/contracts";
import {
  type ActionScope,
  defineStateMachine,
  fields,
  isoDay,
  nextDocumentNumber,
  parseInput,
  sql,
  versionConflict,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { quoteValidityWindow } from "./config.js";
import type { QuoteStatus, QuotesTable, SalesDatabase } from "./db.js";
import { notFound, refuse, SalesErrorCode } from "./errors.js";
import { assertCustomerMayOrder, assertWarehouseKnown, createOrder, type SalesOrder } from "./order.js";
import { priceLines, storedLine } from "./pricing.js";

/** DRAFT → SENT → ACCEPTED | REJECTED; EXPIRED is a SENT quote past its validity date. */
export const quoteLifecycle = defineStateMachine<QuoteStatus>("Quote", {
  DRAFT: ["SENT"],
  SENT: ["ACCEPTED", "REJECTED"],
  ACCEPTED: [],
  REJECTED: [],
});

export interface Quote {
  id: string;
  number: string;
  customerId: string;
  currency: string;
  status: QuoteStatus | "EXPIRED";
  validUntil: string;
  notes: string | null;
  rejectionReason: string | null;
  salesOrderId: string | null;
  version: number;
  createdAt: string;
  cursorPosition: string;
}

/** Sent and past its validity on `today` (an action's business clock; the system's for reads). */
const isExpired = (row: Pick<Selectable<QuotesTable>, "status" | "valid_until">, today = isoDay()) =>
  row.status === "SENT" && row.valid_until < today;

export function toQuote(row: Selectable<QuotesTable>): Quote {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customer_id,
    currency: row.currency.trim(),
    status: isExpired(row) ? "EXPIRED" : row.status,
    validUntil: row.valid_until,
    notes: row.notes,
    rejectionReason: row.rejection_reason,
    salesOrderId: row.sales_order_id,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    cursorPosition: row.seq,
  };
}

const lineSchema = z.object({
  productId: z.string(),
  quantity: z.string(),
  unitPrice: z.string().nullish(),
  discountPercent: z.string().nullish(),
  taxRate: z.string().nullish(),
});
const validUntil = fields.dateWithin("The validity date", quoteValidityWindow);

const createSchema = z.object({
  customerId: fields.id("customerId"),
  currency: z.string(),
  validUntil,
  lines: z.array(lineSchema),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

export async function createQuote(scope: ActionScope<SalesDatabase>, input: z.input<typeof createSchema>) {
  const data = parseInput(createSchema, input);
  await assertCustomerMayOrder(scope.trx, data.customerId);
  const lines = await priceLines(scope.trx, data.lines, data.currency);
  const number = await nextDocumentNumber(scope.trx, "sales.quote_number_seq", "Q");
  const row = await scope.trx
    .insertInto("sales.quotes")
    .values({
      number,
      customer_id: data.customerId,
      currency: data.currency,
      valid_until: data.validUntil,
      notes: data.notes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("sales.lines")
    .values(lines.map((l) => ({ ...storedLine(l), quote_id: row.id })))
    .execute();
  await scope.audit("Quote", row.id, { number: row.number });
  await scope.emit(QuoteCreated, row.id, { quoteId: row.id, customerId: row.customer_id });
  return toQuote(row);
}

async function lockQuote(trx: Transaction<SalesDatabase>, id: string) {
  const row = await trx.selectFrom("sales.quotes").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(SalesErrorCode.QUOTE_NOT_FOUND, "The quote", "quoteId");
}

async function saveQuote(
  scope: ActionScope<SalesDatabase>,
  current: Selectable<QuotesTable>,
  changes: Partial<Selectable<QuotesTable>>,
  event?: typeof QuoteSent | typeof QuoteRejected | typeof QuoteAccepted,
) {
  const row = await scope.trx
    .updateTable("sales.quotes")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Quote", row.id, { from: current.status, to: row.status });
  if (event) await scope.emit(event, row.id, { quoteId: row.id, customerId: row.customer_id });
  return toQuote(row);
}

const reviseSchema = z.object({
  quoteId: fields.id("quoteId"),
  expectedVersion: z.number().int().min(1),
  lines: z.array(lineSchema).nullish(),
  validUntil: validUntil.nullish(),
  notes: fields.optionalText("Notes", 2000, { multiline: true }),
});

export async function reviseQuote(scope: ActionScope<SalesDatabase>, input: z.input<typeof reviseSchema>) {
  const data = parseInput(reviseSchema, input);
  const current = await lockQuote(scope.trx, data.quoteId);
  if (current.status !== "DRAFT")
    refuse(SalesErrorCode.INVALID_STATE_TRANSITION, `Only a DRAFT quote can be revised; this one is ${current.status}`);
  if (current.version !== data.expectedVersion) versionConflict();
  if (data.lines) {
    const lines = await priceLines(scope.trx, data.lines, current.currency.trim());
    await scope.trx.deleteFrom("sales.lines").where("quote_id", "=", current.id).execute();
    await scope.trx
      .insertInto("sales.lines")
      .values(lines.map((l) => ({ ...storedLine(l), quote_id: current.id })))
      .execute();
  }
  return saveQuote(scope, current, {
    ...(data.validUntil && { valid_until: data.validUntil }),
    ...(input.notes !== undefined && { notes: data.notes }),
  });
}

const quoteIdSchema = z.object({ quoteId: fields.id("quoteId") });

export async function sendQuote(scope: ActionScope<SalesDatabase>, input: z.input<typeof quoteIdSchema>) {
  const current = await lockQuote(scope.trx, parseInput(quoteIdSchema, input).quoteId);
  quoteLifecycle.assertTransition(current.status, "SENT");
  return saveQuote(scope, current, { status: "SENT" }, QuoteSent);
}

const rejectSchema = quoteIdSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

export async function rejectQuote(scope: ActionScope<SalesDatabase>, input: z.input<typeof rejectSchema>) {
  const data = parseInput(rejectSchema, input);
  const current = await lockQuote(scope.trx, data.quoteId);
  quoteLifecycle.assertTransition(current.status, "REJECTED");
  return saveQuote(scope, current, { status: "REJECTED", rejection_reason: data.reason }, QuoteRejected);
}

const acceptSchema = quoteIdSchema.extend({ warehouseId: fields.id("warehouseId") });

/** Acceptance turns the quote's priced lines into a DRAFT order, as quoted. */
export async function acceptQuote(
  scope: ActionScope<SalesDatabase>,
  input: z.input<typeof acceptSchema>,
): Promise<{ quote: Quote; salesOrder: SalesOrder }> {
  const data = parseInput(acceptSchema, input);
  const current = await lockQuote(scope.trx, data.quoteId);
  if (isExpired(current, scope.today()))
    refuse(SalesErrorCode.QUOTE_EXPIRED, `The quote was valid until ${current.valid_until}`, "quoteId");
  quoteLifecycle.assertTransition(current.status, "ACCEPTED");
  await assertCustomerMayOrder(scope.trx, current.customer_id, "quoteId");
  await assertWarehouseKnown(scope.trx, data.warehouseId);
  const rows = await scope.trx
    .selectFrom("sales.lines")
    .selectAll()
    .where("quote_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  const salesOrder = await createOrder(scope, {
    customerId: current.customer_id,
    warehouseId: data.warehouseId,
    currency: current.currency.trim(),
    quoteId: current.id,
    notes: current.notes,
    lines: rows.map((l) => ({
      lineNumber: l.line_number,
      productId: l.product_id,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      discountPercent: l.discount_percent,
      taxRate: l.tax_rate,
      netAmount: l.net_amount,
      taxAmount: l.tax_amount,
    })),
  });
  const quote = await saveQuote(scope, current, { status: "ACCEPTED", sales_order_id: salesOrder.id }, QuoteAccepted);
  return { quote, salesOrder };
}
