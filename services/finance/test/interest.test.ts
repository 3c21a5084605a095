import { randomUUID } from "node:crypto";
import { type Database, Dec, isoDay, sql } from "@erp/core";
import {
  createMigratedDatabase,
  deliverEvent,
  newKey,
  subgraphClient,
  testClock,
  testDatabaseKind,
} from "@erp/testing";
import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FinanceDatabase } from "../src/db.js";
import { finance } from "../src/index.js";
import { dailyInterest } from "../src/interest.js";

/** The module's own interest job, as the event bus runs it on its schedule. */
const dailyJob = finance.jobs!.find((j) => j.name === "interest-accrual")!;

let database: Database;
let client: ReturnType<typeof subgraphClient>;
/** The business clock: tests move it to let invoices fall due, instead of rewriting their dates. */
const clock = testClock();

beforeAll(async () => {
  database = await createMigratedDatabase([finance]);
  client = subgraphClient(finance, database.db, undefined, clock);
});
afterAll(() => database.close());

const deliver = (type: string, payload: Record<string, unknown>) =>
  deliverEvent(database.db, finance, type, payload, clock);

/**
 * A 5,000.00 invoice (no tax) issued `daysAgo` days before today on the payment terms; the clock
 * is left on its due date, so each day it moves on is a day overdue.
 */
async function overdueInvoice(daysAgo: number) {
  clock.set(isoDay(-daysAgo));
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
  const { rows } = await sql<{ id: string; due_on: string }>`
    select id, due_on from finance.invoices where shipment_id = ${shipmentId}`.execute(database.db);
  clock.set(rows[0]!.due_on);
  return { invoiceId: rows[0]!.id, customerId };
}

/** The interest base and amount of each day accrued on an invoice, in date order. */
const accruals = async (invoiceId: string) =>
  (
    await sql<{ principal: string; amount: string }>`
      select principal, amount from finance.interest_accruals where invoice_id = ${invoiceId} order by accrual_date`.execute(
      database.db,
    )
  ).rows.map((r) => ({ principal: new Dec(r.principal).toFixed(2), amount: new Dec(r.amount).toFixed(2) }));

/** Accrues up to `asOf`, or up to today by the business clock when absent. */
const accrue = (asOf?: string, key = newKey()) =>
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
    const first = dailyInterest(new Dec("5000.00"), "12", new Dec(0), 2);
    expect(first.amount.toFixed(2)).toBe("1.64");
    expect(first.remainder.toFixed(6)).toBe("0.003836");
  });

  it("accrues 1.64 on 5,000.00 at 12 % for one day, and a second run the same day accrues nothing", async () => {
    const { invoiceId } = await overdueInvoice(300);
    clock.advanceDays(1);
    const first = await accrue();
    expect(first.data.accrueInterest).toMatchObject({
      asOf: clock.today(),
      invoices: 1,
      accrued: [{ amount: "1.64", currency: "EUR" }],
    });
    const again = await accrue();
    expect(again.data.accrueInterest).toMatchObject({ invoices: 0, accrued: [] });
    expect(await invoice(invoiceId)).toMatchObject({
      interestAccrued: { amount: "1.64" },
      balanceDue: { amount: "5001.64" },
    });
    expect(await accruals(invoiceId)).toEqual([{ principal: "5000.00", amount: "1.64" }]);
  });

  it("adds up over 30 days to the period's interest within one cent", async () => {
    const { invoiceId } = await overdueInvoice(200);
    for (let day = 1; day <= 30; day++) {
      clock.advanceDays(1);
      await accrue();
    }
    expect(await accruals(invoiceId)).toHaveLength(30);
    const accrued = new Dec((await invoice(invoiceId)).interestAccrued.amount);
    const period = new Dec("5000").times("0.12").times(30).div(365);
    expect(accrued.minus(period).abs().lte("0.01")).toBe(true);
  });

  it("runs daily up to yesterday by the business clock, once per day however often the job runs", async () => {
    const { invoiceId } = await overdueInvoice(250);
    clock.advanceDays(3);
    await dailyJob.run(database.db as Kysely<FinanceDatabase>, clock);
    await dailyJob.run(database.db as Kysely<FinanceDatabase>, clock);
    // Two days accrued (to yesterday), not three: today has not ended.
    expect(await accruals(invoiceId)).toHaveLength(2);
  });

  it("uses the customer's own rate from their credit line", async () => {
    const { invoiceId, customerId } = await overdueInvoice(100);
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
    const approver = subgraphClient(
      finance,
      database.db,
      { subject: "controller", kind: "person", roles: [], scopes: ["*"] },
      clock,
    );
    await approver.request(`mutation($i: CreditLineInput!) { approveCreditLine(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), creditLineId: line.data.requestCreditLine.creditLine.id },
    });
    clock.advanceDays(1);
    await accrue();
    // 5,000.00 × 7.3 % / 365 = 1.00 exactly
    expect((await invoice(invoiceId)).interestAccrued.amount).toBe("1.00");
  });

  it("is paid before principal, posts to interest income, and keeps the books reconciled", async () => {
    const { invoiceId, customerId } = await overdueInvoice(150);
    clock.advanceDays(30);
    await accrue();
    // 30 days on 5,000.00 at 12 %: 49.32, paid exactly.
    expect((await invoice(invoiceId)).interestAccrued.amount).toBe("49.32");
    await client.request(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        customerId,
        amount: { amount: "49.32", currency: "EUR" },
        method: "CASH",
        externalReference: newKey("r"),
      },
    });
    expect(await invoice(invoiceId)).toMatchObject({ status: "PARTIALLY_PAID", balanceDue: { amount: "5000.00" } });
    // The payment covered the interest, so the principal is whole: the next 30 days accrue on
    // 5,000.00 (98.63 in all), not on 4,950.68 as they would had it gone to principal (98.14).
    clock.advanceDays(30);
    await accrue();
    const days = await accruals(invoiceId);
    expect(days).toHaveLength(60);
    expect(new Set(days.map((d) => d.principal))).toEqual(new Set(["5000.00"]));
    expect(await invoice(invoiceId)).toMatchObject({
      interestAccrued: { amount: "98.63" },
      balanceDue: { amount: "5049.31" },
    });
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
