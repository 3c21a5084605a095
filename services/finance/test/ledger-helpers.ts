import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import type { SubgraphEnv } from "@erp/testing";
import { expect } from "vitest";

/** Contract payloads of the events the perpetual inventory and payables post from. */
export const eur = (amount: string) => ({ amount, currency: "EUR" });

export const stockReceived = (value: string, source: { type: string; id: string } | null, quantity = "10") => ({
  movementId: randomUUID(),
  productId: randomUUID(),
  warehouseId: randomUUID(),
  quantity,
  unitCost: eur("1.00"),
  value: eur(value),
  source,
});

export const stockIssued = (value: string, quantity = "1") => {
  const reference = { type: "SalesOrder", id: randomUUID() };
  return {
    reservationId: randomUUID(),
    movementId: randomUUID(),
    reference,
    productId: randomUUID(),
    warehouseId: randomUUID(),
    quantity,
    unitCost: eur("1.00"),
    value: eur(value),
    source: { type: "Shipment", id: randomUUID() },
  };
};

export const stockAdjusted = (quantity: string, value: string) => ({
  adjustmentId: randomUUID(),
  movementId: randomUUID(),
  productId: randomUUID(),
  warehouseId: randomUUID(),
  quantity,
  reasonCode: "COUNT",
  value: eur(value),
});

export const supplierRegistered = (name: string, version = 1, supplierId: string = randomUUID()) => ({
  supplierId,
  code: name.slice(0, 3).toUpperCase(),
  name,
  currency: "EUR",
  paymentTermsDays: 30,
  status: "ACTIVE",
  version,
});

export function billMatched(
  supplierId: string,
  money: { total: string; receivedValue: string; currency?: string },
  dates: { billDate?: string; dueDate?: string } = {},
) {
  const currency = money.currency ?? "EUR";
  const variance = (Number(money.total) - Number(money.receivedValue)).toFixed(2);
  return {
    billId: randomUUID(),
    supplierId,
    supplierInvoiceNumber: `INV-${randomUUID().slice(0, 8)}`,
    purchaseOrderId: randomUUID(),
    billDate: dates.billDate ?? "2026-11-01",
    dueDate: dates.dueDate ?? "2026-12-01",
    total: { amount: money.total, currency },
    receivedValue: { amount: money.receivedValue, currency },
    priceVariance: { amount: variance, currency },
    releasedBy: null,
  };
}

/** Balance (debit − credit) per account code in one currency, from the trial balance. */
export async function balances(env: SubgraphEnv, currency = "EUR"): Promise<Record<string, string>> {
  const { data } = await env.client.request(
    `{ trialBalance { totals { debit { amount currency } credit { amount } } rows { account { code } balance { amount currency } } } }`,
  );
  for (const t of data.trialBalance.totals)
    expect(t.debit.amount, `debits = credits in ${t.debit.currency}`).toBe(t.credit.amount);
  return Object.fromEntries(
    data.trialBalance.rows
      .filter((r: any) => r.balance.currency === currency)
      .map((r: any) => [r.account.code, Number(r.balance.amount).toFixed(2)]),
  );
}

/** The lines of the one journal entry posted for a document, as "code Dr|Cr amount". */
export async function entryLines(env: SubgraphEnv, sourceId: string): Promise<string[]> {
  const { rows } = await sql<{ code: string; debit: string; credit: string }>`
    select a.code, l.debit::text as debit, l.credit::text as credit from finance.journal_entries e
    join finance.journal_lines l on l.entry_id = e.id join finance.accounts a on a.id = l.account_id
    where e.source_id = ${sourceId} order by a.code`.execute(env.database.db);
  return rows.map((r) =>
    Number(r.debit) > 0 ? `${r.code} Dr ${Number(r.debit).toFixed(2)}` : `${r.code} Cr ${Number(r.credit).toFixed(2)}`,
  );
}
