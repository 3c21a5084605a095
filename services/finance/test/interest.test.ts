import { randomUUID } from "node:crypto";
import { type Database, Dec, isoDay, sql } from "@erp/core";
import { createMigratedDatabase, deliverEvent, newKey, subgraphClient, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finance } from "../src/index.js";
import { dailyInterest } from "../src/interest.js";

let database: Database;
let client: ReturnType<typeof subgraphClient>;

beforeAll(async () => {
  database = await createMigratedDatabase([finance]);
  client = subgraphClient(finance, database.db);
});
afterAll(() => database.close());

const deliver = (type: string, payload: Record<string, unknown>) => deliverEvent(database.db, finance, type, payload);

/** A 5,000.00 invoice (no tax) that fell due on `dueOn`; dates are relative to today, inside the accounting window. */
async function overdueInvoice(dueOn: string) {
  const customerId = randomUUID();
  await deliver("crm.customer.registered", {
    customerId,
    code: "C-1",
    name: "Late Payer",
    status: "ACTIVE",
    version: 1,
  });
  const shipmentId = randomUUID();
  await deliver("sales.shipment.dispatched", {
    shipmentId,
    number: "SH-L",
    orderId: randomUUID(),
    orderNumber: "SO-L",
    customerId,
    warehouseId: randomUUID(),
    currency: "EUR",
    lines: [
      {
        orderLineId: randomUUID(),
        reservationId: null,
        productId: randomUUID(),
        sku: "BIG",
        discountPercent: "0",
        taxRate: "0",
        quantity: "1",
        unitPrice: "5000.00",
        netAmount: "5000.00",
        taxAmount: "0.00",
      },
    ],
  });
  const { rows } = await sql<{
    id: string;
  }>`update finance.invoices set due_on = ${dueOn} where shipment_id = ${shipmentId} returning id`.execute(database.db);
  return { invoiceId: rows[0]!.id, customerId };
}

const accrue = (asOf: string, key = newKey()) =>
  client.request(
    `mutation($i: AccrueInterestInput!) { accrueInterest(input: $i) { asOf invoices accrued { amount currency } errors { code } } }`,
    { i: { idempotencyKey: key, asOf } },
  );
const invoice = async (id: string) =>
  (
    await client.request(
      `query($id: ID!) { invoice(id: $id) { interestAccrued { amount } balanceDue { amount } status } }`,
      { id },
    )
  ).data.invoice;

describe(`late interest on ${testDatabaseKind()}`, () => {
  it("carries the fractional remainder from day to day", () => {
    const first = dailyInterest(new Dec("5000.00"), "12", new Dec(0));
    expect(first.amount.toFixed(2)).toBe("1.64");
    expect(first.remainder.toFixed(6)).toBe("0.003836");
  });

  it("accrues 1.64 on 5,000.00 at 12 % for one day, and a second run the same day accrues nothing", async () => {
    const { invoiceId } = await overdueInvoice(isoDay(-300));
    const first = await accrue(isoDay(-299));
    expect(first.data.accrueInterest).toMatchObject({ invoices: 1, accrued: [{ amount: "1.64", currency: "EUR" }] });
    const again = await accrue(isoDay(-299));
    expect(again.data.accrueInterest).toMatchObject({ invoices: 0, accrued: [] });
    expect(await invoice(invoiceId)).toMatchObject({
      interestAccrued: { amount: "1.64" },
      balanceDue: { amount: "5001.64" },
    });
    expect(
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from finance.interest_accruals where invoice_id = ${invoiceId}`.execute(
          database.db,
        )
      ).rows[0]!.n,
    ).toBe(1);
  });

  it("adds up over 30 days to the period's interest within one cent", async () => {
    const { invoiceId } = await overdueInvoice(isoDay(-200));
    for (let day = 1; day <= 30; day++) await accrue(isoDay(-200 + day));
    const accrued = new Dec((await invoice(invoiceId)).interestAccrued.amount);
    const period = new Dec("5000").times("0.12").times(30).div(365);
    expect(accrued.minus(period).abs().lte("0.01")).toBe(true);
  });

  it("uses the customer's own rate from their credit line", async () => {
    const { invoiceId, customerId } = await overdueInvoice(isoDay(-100));
    const line = await client.request(
      `mutation($i: RequestCreditLineInput!) { requestCreditLine(input: $i) { creditLine { id annualInterestRate } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId,
          limit: { amount: "10000.00", currency: "EUR" },
          annualInterestRate: "7.3",
        },
      },
    );
    expect(line.data.requestCreditLine.creditLine.annualInterestRate).toBe("7.3");
    const approver = subgraphClient(finance, database.db, {
      subject: "controller",
      kind: "person",
      roles: [],
      scopes: ["*"],
    });
    await approver.request(`mutation($i: CreditLineInput!) { approveCreditLine(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), creditLineId: line.data.requestCreditLine.creditLine.id },
    });
    await accrue(isoDay(-99));
    // 5,000.00 × 7.3 % / 365 = 1.00 exactly
    expect((await invoice(invoiceId)).interestAccrued.amount).toBe("1.00");
  });

  it("is paid before principal, posts to interest income, and keeps the books reconciled", async () => {
    const { invoiceId, customerId } = await overdueInvoice(isoDay(-150));
    await accrue(isoDay(-149));
    await client.request(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        customerId,
        amount: { amount: "1.64", currency: "EUR" },
        method: "CASH",
        externalReference: newKey("r"),
      },
    });
    expect(await invoice(invoiceId)).toMatchObject({ status: "PARTIALLY_PAID", balanceDue: { amount: "5000.00" } });
    const income = await client.request(`{ trialBalance { rows { account { code } balance { amount } } } }`);
    // Interest income holds exactly the interest accrued on every invoice so far.
    const { rows } = await sql<{
      total: string;
    }>`select sum(interest_accrued)::numeric(20, 2)::text as total from finance.invoices`.execute(database.db);
    expect(income.data.trialBalance.rows.find((r: any) => r.account.code === "4100").balance.amount).toBe(
      `-${rows[0]!.total}`,
    );
    const run = await client.request(
      `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { run { outcome discrepancies } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    expect(run.data.runReconciliation.run).toEqual({ outcome: "OK", discrepancies: 0 });
  });
});
