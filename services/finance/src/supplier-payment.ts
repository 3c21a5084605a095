import { SupplierPaymentRecorded } from "@erp/contracts";
import { type ActionScope, Dec, fields, type Money, parseInput } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { paymentDateWindow } from "./config.js";
import type { FinanceDatabase } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
import { postEntry, showMoney } from "./journal.js";
import type { SupplierPaymentsTable } from "./ledger-tables.js";
import { outstandingOf, type Payable, toPayable } from "./payables.js";

/** Money paid to a supplier against one payable. */
export interface SupplierPayment {
  id: string;
  billId: string;
  amount: Money;
  paidOn: string;
  reference: string;
  paidBy: string;
}

export const toSupplierPayment = (row: Selectable<SupplierPaymentsTable>): SupplierPayment => ({
  id: row.id,
  billId: row.bill_id,
  amount: showMoney(row.amount, row.currency),
  paidOn: row.paid_on,
  reference: row.reference,
  paidBy: row.paid_by,
});

const paySchema = z.object({
  billId: fields.id("billId"),
  amount: fields.money(),
  paidOn: fields.dateWithin("Paid on", paymentDateWindow).nullish(),
  reference: fields.text("Reference", 100),
});

async function lockBill(trx: Transaction<FinanceDatabase>, id: string) {
  const row = await trx
    .selectFrom("finance.supplier_bills")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(FinanceErrorCode.SUPPLIER_BILL_NOT_FOUND, "The supplier bill", "billId");
}

/**
 * Pays a supplier bill in part or in full: payables against bank. Refuses an amount in another
 * currency or above what is open; the idempotency key makes a retry return the first answer.
 */
export async function paySupplierBill(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof paySchema>,
): Promise<{ payment: SupplierPayment; payable: Payable }> {
  const data = parseInput(paySchema, input);
  const bill = await lockBill(scope.trx, data.billId);
  const currency = bill.currency.trim();
  if (data.amount.currency !== currency)
    refuse(FinanceErrorCode.CURRENCY_MISMATCH, `The bill is in ${currency}, not ${data.amount.currency}`, "amount");
  const open = outstandingOf(bill);
  const amount = new Dec(data.amount.amount);
  if (amount.gt(open))
    refuse(
      FinanceErrorCode.OVERPAYMENT,
      `${amount.toFixed()} ${currency} is more than the ${open.toFixed()} ${currency} open on bill ${bill.supplier_invoice_number}`,
      "amount",
    );
  const row = await scope.trx
    .insertInto("finance.supplier_payments")
    .values({
      bill_id: bill.id,
      supplier_id: bill.supplier_id,
      amount: amount.toFixed(),
      currency,
      paid_on: data.paidOn ?? scope.today(),
      reference: data.reference,
      paid_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await postEntry(scope, {
    entryDate: row.paid_on,
    description: `Payment ${data.reference} of supplier bill ${bill.supplier_invoice_number}`,
    source: { type: "SupplierPayment", id: row.id },
    postings: [
      { account: { code: "2000" }, currency, debit: amount },
      { account: { code: "1000" }, currency, credit: amount },
    ],
  });
  const updated = await scope.trx
    .updateTable("finance.supplier_bills")
    .set((eb) => ({ amount_paid: new Dec(bill.amount_paid).plus(amount).toFixed(), version: eb("version", "+", 1) }))
    .where("id", "=", bill.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const payable = toPayable(updated);
  await scope.audit("SupplierPayment", row.id, {
    billId: bill.id,
    amount: data.amount,
    outstanding: payable.outstanding,
  });
  await scope.emit(SupplierPaymentRecorded, row.id, {
    supplierPaymentId: row.id,
    billId: bill.id,
    supplierId: bill.supplier_id,
    amount: showMoney(amount, currency),
    billOutstanding: payable.outstanding,
  });
  return { payment: toSupplierPayment(row), payable };
}
