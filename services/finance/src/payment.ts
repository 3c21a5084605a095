import { PaymentRecorded } from "@erp/contracts";
import { type ActionScope, Dec, fields, type Money, parseInput } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { paymentDateWindow } from "./config.js";
import type { FinanceDatabase, PaymentsTable } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
import { invoiceLifecycle } from "./invoice.js";
import { postEntry, showMoney } from "./journal.js";

export interface Payment {
  id: string;
  customerId: string;
  amount: Money;
  method: PaymentsTable["method"];
  externalReference: string;
  receivedOn: string;
}

export const toPayment = (row: Selectable<PaymentsTable>): Payment => ({
  id: row.id,
  customerId: row.customer_id,
  amount: showMoney(row.amount, row.currency),
  method: row.method,
  externalReference: row.external_reference,
  receivedOn: row.received_on,
});

const recordSchema = z.object({
  customerId: fields.id("customerId"),
  amount: fields.money(),
  method: z.enum(["BANK_TRANSFER", "CARD", "CASH", "CHEQUE"]),
  externalReference: fields.text("External reference", 100),
  receivedOn: fields.dateWithin("Received on", paymentDateWindow).nullish(),
});

/**
 * Records a payment and allocates it to the customer's open invoices in that currency, oldest
 * due first; what is left stays as customer credit. One journal entry: bank against receivable
 * (allocated) and customer credit (the rest). The idempotency key makes a retry return the
 * first answer; the unique (customer, external reference) refuses a duplicate behind it.
 */
export async function recordPayment(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof recordSchema>,
): Promise<Payment> {
  const data = parseInput(recordSchema, input);
  const known = await scope.trx
    .selectFrom("finance.known_customers")
    .select("customer_id")
    .where("customer_id", "=", data.customerId)
    .executeTakeFirst();
  if (!known) notFound(FinanceErrorCode.CUSTOMER_NOT_FOUND, "The customer", "customerId");
  const currency = data.amount.currency;
  const row = await scope.trx
    .insertInto("finance.payments")
    .values({
      customer_id: data.customerId,
      amount: data.amount.amount,
      currency,
      method: data.method,
      external_reference: data.externalReference,
      received_on: data.receivedOn ?? scope.today(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const allocated = await allocateOldestFirst(scope, row.id, data.customerId, currency, new Dec(data.amount.amount));
  const credit = new Dec(data.amount.amount).minus(allocated);
  await postEntry(scope, {
    entryDate: row.received_on,
    description: `Payment ${data.externalReference} (${data.method})`,
    source: { type: "Payment", id: row.id },
    postings: [
      { account: { code: "1000" }, currency, debit: new Dec(data.amount.amount) },
      { account: { code: "1100" }, currency, credit: allocated },
      { account: { code: "2200" }, currency, credit },
    ],
  });
  await scope.audit("Payment", row.id, {
    amount: data.amount,
    allocated: allocated.toFixed(),
    credit: credit.toFixed(),
  });
  await scope.emit(PaymentRecorded, row.id, {
    paymentId: row.id,
    customerId: row.customer_id,
    amount: toPayment(row).amount,
    allocated: showMoney(allocated, currency),
  });
  return toPayment(row);
}

async function allocateOldestFirst(
  scope: ActionScope<FinanceDatabase>,
  paymentId: string,
  customerId: string,
  currency: string,
  amount: InstanceType<typeof Dec>,
) {
  const open = await scope.trx
    .selectFrom("finance.invoices")
    .selectAll()
    .where("customer_id", "=", customerId)
    .where("currency", "=", currency)
    .where("status", "in", ["ISSUED", "PARTIALLY_PAID"])
    .orderBy("due_on")
    .orderBy("seq")
    .forUpdate()
    .execute();
  let remaining = amount;
  for (const invoice of open) {
    if (remaining.isZero()) break;
    // Interest is owed with the principal; payments cover it first (fees → interest → principal).
    const due = new Dec(invoice.total).plus(invoice.interest_accrued).minus(invoice.amount_credited);
    const share = Dec.min(remaining, due.minus(invoice.amount_paid));
    if (share.lte(0)) continue;
    const paid = new Dec(invoice.amount_paid).plus(share);
    const status = paid.eq(due) ? "PAID" : "PARTIALLY_PAID";
    invoiceLifecycle.assertTransition(invoice.status, status);
    await scope.trx
      .insertInto("finance.allocations")
      .values({ payment_id: paymentId, invoice_id: invoice.id, amount: share.toFixed() })
      .execute();
    await scope.trx
      .updateTable("finance.invoices")
      .set((eb) => ({ amount_paid: paid.toFixed(), status, version: eb("version", "+", 1) }))
      .where("id", "=", invoice.id)
      .execute();
    remaining = remaining.minus(share);
  }
  if (remaining.isNegative()) refuse(FinanceErrorCode.VALIDATION_FAILED, "Allocated more than paid");
  return amount.minus(remaining);
}
