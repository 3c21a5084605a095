import { randomUUID } from "node:crypto";
import { isoDay } from "@erp/core";
import { deliverEvent, newKey, refusedMutation, testDatabaseKind, validationFailedOn } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { finance } from "../src/index.js";
import { useFinance } from "./harness.js";

const env = useFinance();
const accounts = new Map<string, string>();
let customerId: string;

beforeAll(async () => {
  const { data } = await env.client.request(`{ accounts { id code } }`);
  for (const a of data.accounts) accounts.set(a.code, a.id);
  customerId = randomUUID();
  await deliverEvent(env.database.db, finance, "crm.customer.registered", {
    customerId,
    code: "C-1",
    name: "Payer GmbH",
    status: "ACTIVE",
    version: 1,
  });
});

/** Runs a mutation that must be refused and proves it wrote nothing in any finance table. */
const refused = (mutation: string, type: string, input: Record<string, unknown>) =>
  refusedMutation(env.client, env.database.db, "finance", mutation, type, input);

const entry = (entryDate: string, description = "Accrual") => ({
  entryDate,
  description,
  lines: [
    { accountId: accounts.get("1000"), debit: { amount: "10.00", currency: "EUR" } },
    { accountId: accounts.get("4000"), credit: { amount: "10.00", currency: "EUR" } },
  ],
});
const payment = (extra: Record<string, unknown>) => ({
  customerId,
  amount: { amount: "10.00", currency: "EUR" },
  method: "BANK_TRANSFER",
  externalReference: newKey("ref"),
  ...extra,
});
const invoice = (extra: Record<string, unknown>) => ({
  customerId,
  currency: "EUR",
  lines: [{ description: "Consulting", quantity: "1", unitPrice: "100.00", taxRate: "19" }],
  ...extra,
});
const only = validationFailedOn;

describe(`finance refuses implausible dates on ${testDatabaseKind()}`, () => {
  it("refuses accruing interest to 9999-12-31, tomorrow or two years back; accrues nothing", async () => {
    // An invoice issued two months ago, overdue for a month: the 9999 run used to accrue 3,660 days on it.
    env.clock.set(isoDay(-60));
    await env.deliver("sales.shipment.dispatched", {
      shipmentId: randomUUID(),
      number: "SH-1",
      orderId: randomUUID(),
      orderNumber: "SO-1",
      customerId,
      warehouseId: randomUUID(),
      currency: "EUR",
      lines: [
        {
          orderLineId: randomUUID(),
          reservationId: null,
          discountPercent: "0",
          taxRate: "0",
          productId: randomUUID(),
          sku: "X",
          quantity: "1",
          unitPrice: "100",
          netAmount: "100",
          taxAmount: "0",
        },
      ],
    });
    env.clock.set(new Date());
    for (const asOf of ["9999-12-31", isoDay(1), isoDay(-731)])
      expect(await refused("accrueInterest", "AccrueInterestInput", { asOf })).toEqual(only("asOf"));
    expect(await env.count("finance.interest_accruals")).toBe(0);
  });

  it("accrues up to today, never beyond", async () => {
    const { data } = await env.client.request(
      `mutation($i: AccrueInterestInput!) { accrueInterest(input: $i) { asOf invoices errors { code } } }`,
      { i: { idempotencyKey: newKey(), asOf: isoDay(0) } },
    );
    expect(data.accrueInterest).toMatchObject({ asOf: isoDay(0), invoices: 1, errors: [] });
    expect(await env.count("finance.interest_accruals", `accrual_date > current_date`)).toBe(0);
  });

  it.each([["9999-12-31"], ["1900-01-01"], [isoDay(-367)], [isoDay(32)]])(
    "refuses a journal entry dated %s, naming entryDate",
    async (entryDate) => {
      expect(await refused("postJournalEntry", "PostJournalEntryInput", entry(entryDate))).toEqual(only("entryDate"));
    },
  );

  it("posts journal entries on the first and last day of the window", async () => {
    for (const entryDate of [isoDay(-366), isoDay(31)]) {
      const { data } = await env.client.request(
        `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { journalEntry { entryDate } errors { code } } }`,
        { i: { idempotencyKey: newKey(), ...entry(entryDate) } },
      );
      expect(data.postJournalEntry).toEqual({ journalEntry: { entryDate }, errors: [] });
    }
  });

  it.each([["9999-12-31"], ["1900-01-01"], [isoDay(-367)], [isoDay(7)]])(
    "refuses a payment received on %s, naming receivedOn",
    async (receivedOn) => {
      expect(await refused("recordPayment", "RecordPaymentInput", payment({ receivedOn }))).toEqual(only("receivedOn"));
    },
  );

  it.each([
    ["before the issue date", isoDay(-1)],
    ["beyond the horizon", isoDay(367)],
    ["in 9999", "9999-12-31"],
  ])("refuses an invoice due %s, naming dueOn", async (_what, dueOn) => {
    expect(await refused("issueInvoice", "IssueInvoiceInput", invoice({ dueOn }))).toEqual(only("dueOn"));
  });

  it("issues an invoice due on its issue date", async () => {
    const { data } = await env.client.request(
      `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { issuedOn dueOn } errors { code } } }`,
      { i: { idempotencyKey: newKey(), ...invoice({ dueOn: isoDay(0) }) } },
    );
    expect(data.issueInvoice).toEqual({ invoice: { issuedOn: isoDay(0), dueOn: isoDay(0) }, errors: [] });
  });
});

describe(`finance refuses amounts its columns cannot hold on ${testDatabaseKind()}`, () => {
  const line = (quantity: string, unitPrice: string) => ({ description: "Work", quantity, unitPrice, taxRate: "19" });

  it("refuses a quantity of 10^30, naming the line's quantity", async () => {
    const lines = [line(`1${"0".repeat(30)}`, "1.00")];
    expect(await refused("issueInvoice", "IssueInvoiceInput", invoice({ lines }))).toEqual(only("lines.0.quantity"));
  });

  it("refuses a line whose amount overflows (999999999999 × 99999999999999.9999), naming the line", async () => {
    const lines = [line("999999999999", "99999999999999.9999")];
    expect(await refused("issueInvoice", "IssueInvoiceInput", invoice({ lines }))).toEqual(only("lines.0"));
  });

  it("refuses an invoice whose lines fit but whose total does not, naming lines", async () => {
    // Each line 6 × 999999999999999 = 5.99e15 (7.14e15 with tax) fits; together they do not.
    const lines = [line("6", "999999999999999"), line("6", "999999999999999")];
    const errors = await refused("issueInvoice", "IssueInvoiceInput", invoice({ lines }));
    expect(errors).toEqual(only("lines"));
    expect(errors[0]!.message).toMatch(/too large/);
  });

  it("refuses a payment of 10^16, naming the amount", async () => {
    const amount = { amount: "10000000000000000", currency: "EUR" };
    expect(await refused("recordPayment", "RecordPaymentInput", payment({ amount }))).toEqual(only("amount.amount"));
  });

  it("refuses a NUL byte or a right-to-left override in a description, naming it", async () => {
    for (const description of ["Accrual\u0000", "Accrual \u202e"])
      expect(await refused("postJournalEntry", "PostJournalEntryInput", entry(isoDay(0), description))).toEqual(
        only("description"),
      );
  });
});

describe(`finance queries refuse a year 0 as the caller's error on ${testDatabaseKind()}`, () => {
  it("answers trialBalance and accountBalance as of 0000-01-01 with BAD_USER_INPUT, 0001-01-01 with an empty balance", async () => {
    const bad = await env.client.request(`{ trialBalance(asOf: "0000-01-01") { rows { account { code } } } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const balance = await env.client.request(
      `query($a: ID!) { accountBalance(accountId: $a, asOf: "0000-01-01", currency: "EUR") { amount } }`,
      { a: accounts.get("1000") },
    );
    expect(balance.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const old = await env.client.request(`{ trialBalance(asOf: "0001-01-01") { rows { account { code } } } }`);
    expect(old.data.trialBalance.rows).toEqual([]);
  });
});
