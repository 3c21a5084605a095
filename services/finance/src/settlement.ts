import { CreditNoteIssued, PaymentRefunded } from "@erp/contracts";
import { type ActionScope, currencyScale, Dec, fields, parseInput, sql } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { nextLegalDocumentNumber } from "./config.js";
import type { FinanceDatabase, InvoicesTable } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
import { type Invoice, invoiceLifecycle, lockInvoice, toInvoice } from "./invoice.js";
import { postEntry, showMoney } from "./journal.js";
import { type Payment, toPayment } from "./payment.js";

const balanceDue = (i: Selectable<InvoicesTable>) =>
  new Dec(i.total).plus(i.interest_accrued).minus(i.amount_paid).minus(i.amount_credited);

/** Refuses unless the invoice can still take money: not VOID, not PAID, in this currency. */
function assertOpen(invoice: Selectable<InvoicesTable>, currency: string, field = "invoiceId") {
  if (invoice.status === "VOID")
    refuse(FinanceErrorCode.INVALID_STATE_TRANSITION, `${invoice.number} is void and takes no money`, field);
  if (invoice.status === "PAID")
    refuse(FinanceErrorCode.INVALID_STATE_TRANSITION, `${invoice.number} is already paid`, field);
  if (invoice.currency.trim() !== currency)
    refuse(
      FinanceErrorCode.CURRENCY_MISMATCH,
      `${invoice.number} is in ${invoice.currency.trim()}, not ${currency}`,
      field,
    );
}

async function settle(
  trx: Transaction<FinanceDatabase>,
  invoice: Selectable<InvoicesTable>,
  change: { paid?: InstanceType<typeof Dec>; credited?: InstanceType<typeof Dec> },
) {
  const paid = new Dec(invoice.amount_paid).plus(change.paid ?? 0);
  const credited = new Dec(invoice.amount_credited).plus(change.credited ?? 0);
  const due = new Dec(invoice.total).plus(invoice.interest_accrued);
  const status = paid.plus(credited).eq(due) ? "PAID" : "PARTIALLY_PAID";
  invoiceLifecycle.assertTransition(invoice.status, status);
  const row = await trx
    .updateTable("finance.invoices")
    .set((eb) => ({
      amount_paid: paid.toFixed(),
      amount_credited: credited.toFixed(),
      status,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", invoice.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toInvoice(row);
}

async function lockPayment(trx: Transaction<FinanceDatabase>, id: string) {
  const row = await trx.selectFrom("finance.payments").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(FinanceErrorCode.PAYMENT_NOT_FOUND, "The payment", "paymentId");
}

/** What of a payment is neither allocated nor refunded: the customer's credit from it. */
async function unallocated(trx: Transaction<FinanceDatabase>, payment: { id: string; amount: string }) {
  const { rows } = await sql<{ used: string | null }>`
    select (select coalesce(sum(amount), 0) from finance.allocations where payment_id = ${payment.id})
         + (select coalesce(sum(amount), 0) from finance.refunds where payment_id = ${payment.id}) as used`.execute(
    trx,
  );
  return new Dec(payment.amount).minus(rows[0]?.used ?? 0);
}

const allocateSchema = z.object({
  paymentId: fields.id("paymentId"),
  invoiceId: fields.id("invoiceId"),
  amount: fields.money(),
});

/** Applies a payment's unallocated credit to a chosen invoice: customer credit against receivable. */
export async function allocatePayment(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof allocateSchema>,
): Promise<{ payment: Payment; invoice: Invoice }> {
  const data = parseInput(allocateSchema, input);
  const payment = await lockPayment(scope.trx, data.paymentId);
  const invoice = await lockInvoice(scope.trx, data.invoiceId);
  if (invoice.customer_id !== payment.customer_id)
    refuse(FinanceErrorCode.VALIDATION_FAILED, "The invoice belongs to another customer", "invoiceId");
  if (data.amount.currency !== payment.currency.trim())
    refuse(FinanceErrorCode.CURRENCY_MISMATCH, `The payment is in ${payment.currency.trim()}`, "amount.currency");
  assertOpen(invoice, data.amount.currency);
  const amount = new Dec(data.amount.amount);
  const free = await unallocated(scope.trx, payment);
  if (amount.gt(free))
    refuse(
      FinanceErrorCode.INSUFFICIENT_CREDIT,
      `Only ${showMoney(free, payment.currency).amount} of the payment is unallocated`,
      "amount.amount",
    );
  if (amount.gt(balanceDue(invoice)))
    refuse(
      FinanceErrorCode.OVERPAYMENT,
      `${invoice.number} has ${showMoney(balanceDue(invoice), invoice.currency).amount} left to pay`,
      "amount.amount",
    );
  const allocation = await scope.trx
    .insertInto("finance.allocations")
    .values({ payment_id: payment.id, invoice_id: invoice.id, amount: amount.toFixed() })
    .returning("id")
    .executeTakeFirstOrThrow();
  const updated = await settle(scope.trx, invoice, { paid: amount });
  await postEntry(scope, {
    description: `Payment ${payment.external_reference} applied to ${invoice.number}`,
    source: { type: "Allocation", id: allocation.id },
    postings: [
      { account: { code: "2200" }, currency: data.amount.currency, debit: amount },
      { account: { code: "1100" }, currency: data.amount.currency, credit: amount },
    ],
  });
  await scope.audit("Payment", payment.id, { allocatedTo: invoice.id, amount: data.amount });
  return { payment: toPayment(payment), invoice: updated };
}

const refundSchema = z.object({
  paymentId: fields.id("paymentId"),
  amount: fields.money(),
  reason: fields.text("Reason", 500, { multiline: true }),
});

/** Pays unallocated credit back to the customer: customer credit against bank. */
export async function refundPayment(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof refundSchema>,
): Promise<{ payment: Payment }> {
  const data = parseInput(refundSchema, input);
  const payment = await lockPayment(scope.trx, data.paymentId);
  if (data.amount.currency !== payment.currency.trim())
    refuse(FinanceErrorCode.CURRENCY_MISMATCH, `The payment is in ${payment.currency.trim()}`, "amount.currency");
  const amount = new Dec(data.amount.amount);
  const free = await unallocated(scope.trx, payment);
  if (amount.gt(free))
    refuse(
      FinanceErrorCode.INSUFFICIENT_CREDIT,
      `Only ${showMoney(free, payment.currency).amount} of the payment is unallocated`,
      "amount.amount",
    );
  const refund = await scope.trx
    .insertInto("finance.refunds")
    .values({ payment_id: payment.id, amount: amount.toFixed(), reason: data.reason, refunded_by: scope.actor.subject })
    .returning("id")
    .executeTakeFirstOrThrow();
  await postEntry(scope, {
    description: `Refund of payment ${payment.external_reference}: ${data.reason}`,
    source: { type: "Refund", id: refund.id },
    postings: [
      { account: { code: "2200" }, currency: data.amount.currency, debit: amount },
      { account: { code: "1000" }, currency: data.amount.currency, credit: amount },
    ],
  });
  await scope.audit("Payment", payment.id, { refunded: data.amount, reason: data.reason });
  await scope.emit(PaymentRefunded, payment.id, { paymentId: payment.id, refundId: refund.id, amount: data.amount });
  return { payment: toPayment(payment) };
}

const creditNoteSchema = z.object({
  invoiceId: fields.id("invoiceId"),
  amount: fields.money(),
  reason: fields.text("Reason", 500, { multiline: true }),
});

/**
 * Credits part of an invoice (gross, tax included): never more than is still open on it, so
 * never more than invoiced minus already credited. Revenue and tax are reversed in proportion.
 */
export async function issueCreditNote(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof creditNoteSchema>,
): Promise<{ invoice: Invoice }> {
  const data = parseInput(creditNoteSchema, input);
  const invoice = await lockInvoice(scope.trx, data.invoiceId);
  assertOpen(invoice, data.amount.currency);
  const amount = new Dec(data.amount.amount);
  if (amount.gt(balanceDue(invoice)))
    refuse(
      FinanceErrorCode.OVER_CREDIT,
      `${invoice.number} has ${showMoney(balanceDue(invoice), invoice.currency).amount} open to credit`,
      "amount.amount",
    );
  const currency = data.amount.currency;
  // The tax share is rounded to the currency's minor unit, so revenue takes the rest exactly.
  const tax = new Dec(invoice.total).isZero()
    ? new Dec(0)
    : amount.times(invoice.tax_total).div(invoice.total).toDecimalPlaces(currencyScale(currency), Dec.ROUND_HALF_EVEN);
  const number = await nextLegalDocumentNumber(scope.trx, "credit_note", scope.today());
  const note = await scope.trx
    .insertInto("finance.credit_notes")
    .values({
      number,
      invoice_id: invoice.id,
      amount: amount.toFixed(),
      reason: data.reason,
      issued_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const updated = await settle(scope.trx, invoice, { credited: amount });
  await postEntry(scope, {
    description: `Credit note ${note.number} on ${invoice.number}: ${data.reason}`,
    source: { type: "CreditNote", id: note.id },
    postings: [
      { account: { code: "4000" }, currency, debit: amount.minus(tax) },
      { account: { code: "2100" }, currency, debit: tax },
      { account: { code: "1100" }, currency, credit: amount },
    ],
  });
  await scope.audit("Invoice", invoice.id, { creditNote: note.number, amount: data.amount });
  await scope.emit(CreditNoteIssued, invoice.id, {
    invoiceId: invoice.id,
    creditNoteId: note.id,
    amount: showMoney(amount, currency),
  });
  return { invoice: updated };
}
