import { randomUUID } from "node:crypto";
import { PayrollPaid, type PayrollRunPosted } from "@erp/contracts";
import { type ActionScope, Dec, type DeliveredEventOf, fields, type Money, parseInput } from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { paymentDateWindow } from "./config.js";
import type { FinanceDatabase, PayrollPayablesTable } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";
import { postEntry, showMoney } from "./journal.js";

/** What one posted payroll run owes its employees in one currency, until finance pays it. */
export interface PayrollPayable {
  payrollRunId: string;
  runNumber: string;
  period: string;
  amount: Money;
  employees: number;
  paidOn: string | null;
  paymentId: string | null;
  postingEntryId: string;
  paymentEntryId: string | null;
}

export const toPayrollPayable = (row: Selectable<PayrollPayablesTable>): PayrollPayable => ({
  payrollRunId: row.payroll_run_id,
  runNumber: row.run_number,
  period: row.period,
  amount: showMoney(row.amount, row.currency),
  employees: row.employees,
  paidOn: row.paid_on,
  paymentId: row.payment_id,
  postingEntryId: row.posting_entry_id,
  paymentEntryId: row.payment_entry_id,
});

/**
 * Books a posted payroll run: per currency one entry, salaries and wages against payroll
 * payable, and the payable to settle. A currency already booked for the run is skipped, so a
 * redelivered event (even under a new event id) posts once; the primary key guards a race.
 */
export async function bookPayrollRun(
  event: DeliveredEventOf<typeof PayrollRunPosted>,
  scope: ActionScope<FinanceDatabase>,
): Promise<void> {
  const run = event.payload;
  const booked = await scope.trx
    .selectFrom("finance.payroll_payables")
    .select("currency")
    .where("payroll_run_id", "=", run.payrollRunId)
    .execute();
  const done = new Set(booked.map((b) => b.currency.trim()));
  for (const total of run.totals.filter((t) => !done.has(t.currency))) {
    const gross = new Dec(total.gross);
    const entry = await postEntry(scope, {
      description: `Payroll ${run.number} for ${run.period} (${total.employees} employees)`,
      // One entry per run and currency: the currency is part of the source document's id.
      source: { type: "PayrollRun", id: `${run.payrollRunId}:${total.currency}` },
      postings: [
        { account: { code: "6000" }, currency: total.currency, debit: gross },
        { account: { code: "2300" }, currency: total.currency, credit: gross },
      ],
    });
    await scope.trx
      .insertInto("finance.payroll_payables")
      .values({
        payroll_run_id: run.payrollRunId,
        currency: total.currency,
        run_number: run.number,
        period: run.period,
        amount: gross.toFixed(),
        employees: total.employees,
        posting_entry_id: entry.id,
      })
      .execute();
  }
}

const paySchema = z.object({
  payrollRunId: fields.id("payrollRunId"),
  currency: z.string().regex(/^[A-Z]{3}$/, "Currency must be an ISO 4217 code such as EUR"),
  paidOn: fields.dateWithin("Paid on", paymentDateWindow).nullish(),
});

/** Settles a run's payable in one currency from the bank: payroll payable against bank, once. */
export async function payPayroll(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof paySchema>,
): Promise<PayrollPayable> {
  const data = parseInput(paySchema, input);
  const payables = await scope.trx
    .selectFrom("finance.payroll_payables")
    .selectAll()
    .where("payroll_run_id", "=", data.payrollRunId)
    .forUpdate()
    .execute();
  if (!payables.length) notFound(FinanceErrorCode.PAYROLL_RUN_NOT_FOUND, "The posted payroll run", "payrollRunId");
  const payable = payables.find((p) => p.currency.trim() === data.currency);
  if (!payable)
    return refuse(
      FinanceErrorCode.CURRENCY_MISMATCH,
      `Payroll ${payables[0]!.run_number} owes nothing in ${data.currency}; it owes ${payables.map((p) => p.currency.trim()).join(", ")}`,
      "currency",
    );
  if (payable.payment_id)
    refuse(
      FinanceErrorCode.PAYROLL_ALREADY_PAID,
      `Payroll ${payable.run_number} was already paid in ${data.currency} on ${payable.paid_on}`,
      "payrollRunId",
    );
  const paymentId = randomUUID();
  const paidOn = data.paidOn ?? scope.today();
  const amount = new Dec(payable.amount);
  const entry = await postEntry(scope, {
    entryDate: paidOn,
    description: `Payroll ${payable.run_number} for ${payable.period} paid`,
    source: { type: "PayrollPayment", id: paymentId },
    postings: [
      { account: { code: "2300" }, currency: data.currency, debit: amount },
      { account: { code: "1000" }, currency: data.currency, credit: amount },
    ],
  });
  const row = await scope.trx
    .updateTable("finance.payroll_payables")
    .set({ paid_on: paidOn, payment_id: paymentId, payment_entry_id: entry.id })
    .where("payroll_run_id", "=", payable.payroll_run_id)
    .where("currency", "=", payable.currency)
    .returningAll()
    .executeTakeFirstOrThrow();
  const paid = toPayrollPayable(row);
  await scope.audit("PayrollRun", payable.payroll_run_id, { paymentId, amount: paid.amount, paidOn });
  await scope.emit(PayrollPaid, payable.payroll_run_id, {
    payrollRunId: payable.payroll_run_id,
    paymentId,
    amount: paid.amount,
  });
  return paid;
}

/** Payables of posted payroll runs, newest first, optionally of one run or only open or paid ones. */
export async function listPayrollPayables(
  db: Kysely<FinanceDatabase>,
  filter: { payrollRunId?: string | null; open?: boolean | null },
): Promise<PayrollPayable[]> {
  let query = db.selectFrom("finance.payroll_payables").selectAll().orderBy("created_at", "desc").limit(500);
  if (filter.payrollRunId) query = query.where("payroll_run_id", "=", filter.payrollRunId);
  if (filter.open != null) query = query.where("payment_id", filter.open ? "is" : "is not", null);
  return (await query.orderBy("currency").execute()).map(toPayrollPayable);
}
