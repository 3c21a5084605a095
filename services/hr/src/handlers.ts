import { PayrollPaid } from "@erp/contracts";
import { type ActionScope, Dec, type DeliveredEventOf, defineHandler, type EventHandler } from "@erp/core";
import type { HrDatabase } from "./db.js";
import { payrollLifecycle, runLines, runTotals } from "./payroll.js";

/** Finance paid (part of) a posted run: recorded once per payment; PAID when every currency is paid in full. */
async function recordPayrollPayment(event: DeliveredEventOf<typeof PayrollPaid>, scope: ActionScope<HrDatabase>) {
  const { payrollRunId, paymentId, amount } = event.payload;
  const run = await scope.trx
    .selectFrom("hr.payroll_runs")
    .selectAll()
    .where("id", "=", payrollRunId)
    .forUpdate()
    .executeTakeFirst();
  if (!run) return;
  await scope.trx
    .insertInto("hr.payroll_payments")
    .values({ payment_id: paymentId, run_id: run.id, currency: amount.currency, amount: amount.amount })
    .onConflict((oc) => oc.doNothing())
    .execute();
  if (run.status !== "POSTED") return;
  const payments = await scope.trx.selectFrom("hr.payroll_payments").selectAll().where("run_id", "=", run.id).execute();
  const paid = (currency: string) =>
    payments.filter((p) => p.currency.trim() === currency).reduce((sum, p) => sum.plus(p.amount), new Dec(0));
  const totals = runTotals(await runLines(scope.trx, run.id));
  if (!totals.every((t) => paid(t.currency).gte(t.gross))) return;
  payrollLifecycle.assertTransition(run.status, "PAID");
  await scope.trx
    .updateTable("hr.payroll_runs")
    .set((eb) => ({ status: "PAID", version: eb("version", "+", 1) }))
    .where("id", "=", run.id)
    .execute();
  await scope.audit("PayrollRun", run.id, { from: "POSTED", to: "PAID", paymentId });
}

/** Everything HR reacts to: finance's payroll payments. */
export const hrHandlers: EventHandler<HrDatabase>[] = [
  defineHandler(PayrollPaid, "mark-payroll-run-paid", recordPayrollPayment),
];
