import { Dec, type OperationRunner, type SeedTools } from "@erp/core";
import type { FinanceDatabase } from "./db.js";

/** A partly paid and a fully paid invoice, and a reconciliation run, over the seeded shipments. */
export async function seedFinance(execute: OperationRunner, tools: SeedTools<FinanceDatabase>): Promise<void> {
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
  await execute(
    `mutation { runReconciliation(input: { idempotencyKey: "seed-finance-reconciliation" }) { run { outcome } } }`,
  );
}
