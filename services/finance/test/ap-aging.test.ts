import { randomUUID } from "node:crypto";
import { newKey, testDatabaseKind } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";
import { billMatched, supplierRegistered } from "./ledger-helpers.js";

const env = useFinance();
const alpha = randomUUID();
const beta = randomUUID();
let overdueBill: string;

const AGING = `query($asOf: Date) { apAging(asOf: $asOf) { asOf
  suppliers { supplier { id } supplierName currency total { amount currency }
    buckets { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } } }
  totals { currency total { amount }
    buckets { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } } } } }`;
const aging = async (asOf?: string) => (await env.client.request(AGING, { asOf: asOf ?? null })).data.apAging;
const buckets = (current: string, d30: string, d60: string, d90: string, over: string) => ({
  current: { amount: current },
  days1To30: { amount: d30 },
  days31To60: { amount: d60 },
  days61To90: { amount: d90 },
  over90: { amount: over },
});

async function matched(supplierId: string, total: string, dueDate: string, currency = "EUR") {
  const bill = billMatched(supplierId, { total, receivedValue: total, currency }, { billDate: "2026-01-01", dueDate });
  await env.deliver("procurement.supplier_bill.matched", bill);
  return bill.billId;
}

const pay = async (billId: string, amount: string, paidOn: string) => {
  const { data } = await env.client.request(
    `mutation($i: PaySupplierBillInput!) { paySupplierBill(input: $i) { errors { code message } } }`,
    { i: { idempotencyKey: newKey(), billId, amount: { amount, currency: "EUR" }, paidOn, reference: newKey("bank") } },
  );
  expect(data.paySupplierBill.errors).toEqual([]);
};

beforeAll(async () => {
  env.clock.set("2026-06-30");
  await env.deliver("procurement.supplier.registered", supplierRegistered("Alpha Metals", 1, alpha));
  await env.deliver("procurement.supplier.registered", supplierRegistered("Beta Freight", 1, beta));
  await matched(alpha, "100.00", "2026-07-15");
  await matched(alpha, "10.00", "2026-06-30");
  await pay(await matched(alpha, "200.00", "2026-06-20"), "50.00", "2026-06-25");
  await matched(alpha, "300.00", "2026-05-15");
  await matched(alpha, "400.00", "2026-04-15");
  overdueBill = await matched(alpha, "500.00", "2026-01-01");
  await pay(await matched(alpha, "70.00", "2026-05-01"), "70.00", "2026-06-01");
  await matched(beta, "60.00", "2026-05-31");
  await matched(beta, "80.00", "2026-03-01", "USD");
  // Paid a day after the aging date: still owed on the 30th.
  await pay(overdueBill, "25.00", "2026-07-01");
});

describe(`accounts payable aging on ${testDatabaseKind()}`, () => {
  it("buckets what each supplier is owed by days past due, per currency, with totals per currency", async () => {
    const report = await aging();
    expect(report.asOf).toBe("2026-06-30");
    expect(report.suppliers).toEqual([
      {
        supplier: { id: alpha },
        supplierName: "Alpha Metals",
        currency: "EUR",
        total: { amount: "1460.00", currency: "EUR" },
        buckets: buckets("110.00", "150.00", "300.00", "400.00", "500.00"),
      },
      {
        supplier: { id: beta },
        supplierName: "Beta Freight",
        currency: "EUR",
        total: { amount: "60.00", currency: "EUR" },
        buckets: buckets("0.00", "60.00", "0.00", "0.00", "0.00"),
      },
      {
        supplier: { id: beta },
        supplierName: "Beta Freight",
        currency: "USD",
        total: { amount: "80.00", currency: "USD" },
        buckets: buckets("0.00", "0.00", "0.00", "0.00", "80.00"),
      },
    ]);
    expect(report.totals).toEqual([
      {
        currency: "EUR",
        total: { amount: "1520.00" },
        buckets: buckets("110.00", "210.00", "300.00", "400.00", "500.00"),
      },
      { currency: "USD", total: { amount: "80.00" }, buckets: buckets("0.00", "0.00", "0.00", "0.00", "80.00") },
    ]);
  });

  it("counts payments made up to the aging date and ages bills as of that date", async () => {
    const later = await aging("2026-07-16");
    const alphaRow = later.suppliers.find((r: any) => r.supplierName === "Alpha Metals");
    // Everything is 16 days older: 100.00, 10.00 and 150.00 are 1 to 30 days late, 300.00 is 62
    // days late, 400.00 is 92; the oldest bill was paid down to 475.00 on the 1st.
    expect(alphaRow.buckets).toEqual(buckets("0.00", "260.00", "0.00", "300.00", "875.00"));
    const before = await aging("2025-12-31");
    expect(before).toMatchObject({ suppliers: [], totals: [] });
  });

  it("names each supplier as procurement last described it; an older snapshot changes nothing", async () => {
    await env.deliver("procurement.supplier.details_updated", supplierRegistered("Beta Freight GmbH", 3, beta));
    await env.deliver("procurement.supplier.blocked", supplierRegistered("Beta (old name)", 2, beta));
    const names = (await aging()).suppliers.map((r: any) => r.supplierName);
    expect(names).toEqual(["Alpha Metals", "Beta Freight GmbH", "Beta Freight GmbH"]);
  });
});
