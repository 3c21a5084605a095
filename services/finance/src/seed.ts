import { Dec, type OperationRunner, type SeedTools } from "@erp/core";
import type { FinanceDatabase } from "./db.js";

/**
 * The owners' capital in the bank, a partly paid and a fully paid invoice, HR's older payroll
 * month paid, and a reconciliation run, over the seeded data.
 */
export async function seedFinance(execute: OperationRunner, tools: SeedTools<FinanceDatabase>): Promise<void> {
  await payInCapital(execute, tools);
  const invoices = await tools.db
    .selectFrom("finance.invoices")
    .select(["customer_id", "total", "number"])
    .orderBy("seq")
    .execute();
  const payments = [
    [invoices[0], "200.00", "BANK-2026-0001"],
    [invoices[1], invoices[1] && new Dec(invoices[1].total).toFixed(2), "BANK-2026-0002"],
  ] as const;
  for (const [invoice, amount, reference] of payments) {
    if (!invoice || !amount) continue;
    const result = await execute(
      `mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } errors { code message } } }`,
      {
        input: {
          idempotencyKey: `seed-finance-${reference}`,
          customerId: invoice.customer_id,
          amount: { amount, currency: "EUR" },
          method: "BANK_TRANSFER",
          externalReference: reference,
        },
      },
    );
    const refused = (result.data?.recordPayment as { errors?: unknown[] } | undefined)?.errors;
    if (result.errors?.length || refused?.length)
      throw new Error(`Finance seed failed: ${JSON.stringify(result.errors ?? refused)}`);
  }
  await payOldestPayroll(execute, tools);
  await execute(
    `mutation { runReconciliation(input: { idempotencyKey: "seed-finance-reconciliation" }) { run { outcome } } }`,
  );
}

/** The owners pay 250,000 EUR into the bank, so the demo's payroll and supplier payments leave it positive. */
async function payInCapital(execute: OperationRunner, tools: SeedTools<FinanceDatabase>) {
  const accounts = await tools.db
    .selectFrom("finance.accounts")
    .select(["id", "code"])
    .where("code", "in", ["1000", "3000"])
    .execute();
  const id = (code: string) => accounts.find((a) => a.code === code)!.id;
  const capital = { amount: "250000.00", currency: "EUR" };
  const result = await execute(
    `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { errors { code message } } }`,
    {
      input: {
        idempotencyKey: "seed-finance-capital",
        description: "Owners' capital paid in",
        lines: [
          { accountId: id("1000"), debit: capital },
          { accountId: id("3000"), credit: capital },
        ],
      },
    },
  );
  const refused = (result.data?.postJournalEntry as { errors?: unknown[] } | undefined)?.errors;
  if (result.errors?.length || refused?.length)
    throw new Error(`Finance seed failed: ${JSON.stringify(result.errors ?? refused)}`);
}

/** HR's older demo payroll month is paid, the newer one left open, so both states show. */
async function payOldestPayroll(execute: OperationRunner, tools: SeedTools<FinanceDatabase>) {
  const payables = await tools.db
    .selectFrom("finance.payroll_payables")
    .select(["payroll_run_id", "currency", "period"])
    .orderBy("period")
    .orderBy("currency")
    .execute();
  for (const payable of payables.filter((p) => p.period === payables[0]?.period)) {
    const result = await execute(
      `mutation($input: PayPayrollInput!) { payPayroll(input: $input) { payrollPayable { paid } errors { code message } } }`,
      {
        input: {
          idempotencyKey: `seed-finance-payroll-${payable.period}-${payable.currency.trim()}`,
          payrollRunId: payable.payroll_run_id,
          currency: payable.currency.trim(),
        },
      },
    );
    const refused = (result.data?.payPayroll as { errors?: unknown[] } | undefined)?.errors;
    if (result.errors?.length || refused?.length)
      throw new Error(`Finance seed failed: ${JSON.stringify(result.errors ?? refused)}`);
  }
}
