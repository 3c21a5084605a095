import { randomUUID } from "node:crypto";
import { Dec, isoDay } from "@erp/core";
import { newKey } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";

const env = useFinance();
const accounts = new Map<string, string>();
const today = () => env.clock.today();
const daysAgo = (n: number) => isoDay(-n, env.clock.now().getTime());

async function customer(name: string): Promise<string> {
  const customerId = randomUUID();
  await env.deliver("crm.customer.registered", { customerId, code: "C-1", name, status: "ACTIVE", version: 1 });
  return customerId;
}

async function issueInvoice(customerId: string, currency: string, unitPrice: string, dueOn?: string) {
  const { data } = await env.client.request(
    `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { id total { amount } } errors { code message } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        customerId,
        currency,
        ...(dueOn && { dueOn }),
        lines: [{ description: "Consulting", quantity: "2", unitPrice, taxRate: "19" }],
      },
    },
  );
  expect(data.issueInvoice.errors).toEqual([]);
  return data.issueInvoice.invoice;
}

async function post(entryDate: string, currency: string, debit: string, credit: string, amount: string) {
  const money = { amount, currency };
  const { data } = await env.client.request(
    `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { errors { code message } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        entryDate,
        description: "Test entry",
        lines: [
          { accountId: accounts.get(debit), debit: money },
          { accountId: accounts.get(credit), credit: money },
        ],
      },
    },
  );
  expect(data.postJournalEntry.errors).toEqual([]);
}

const LINE = `account { code } amount { amount currency }`;
const statements = (from: string, to: string) =>
  env.client.request(
    `query($from: Date!, $to: Date!) {
      profitAndLoss(from: $from, to: $to) { currencies { currency revenue { ${LINE} } expenses { ${LINE} } totalRevenue { amount } totalExpenses { amount } result { amount } } }
      balanceSheet { currencies { currency assets { ${LINE} } liabilities { ${LINE} } equity { ${LINE} } totalAssets { amount } totalLiabilities { amount } totalEquity { amount } currentResult { amount } totalLiabilitiesAndEquity { amount } } }
      trialBalance { rows { account { code type } balance { amount currency } } }
    }`,
    { from, to },
  );

beforeAll(async () => {
  const { data } = await env.client.request(`{ accounts { id code } }`);
  for (const a of data.accounts) accounts.set(a.code, a.id);
  const buyer = await customer("Buyer AG");
  await issueInvoice(buyer, "EUR", "500.00");
  await issueInvoice(buyer, "USD", "120.00");
  await post(today(), "EUR", "1000", "3000", "10000.00"); // the owner pays in capital
  await post(today(), "EUR", "5100", "1000", "12.50"); // bank charges
  await post(daysAgo(40), "EUR", "6000", "1000", "3000.00"); // last month's wages, outside a 30-day period
  await post(today(), "USD", "5000", "1000", "30.00");
});

describe("financial statements from the ledger", () => {
  it("agree with the trial balance: each line is the account's balance and assets = liabilities + equity + current result", async () => {
    const { data, errors } = await statements(daysAgo(400), today()).catch(
      () => ({ data: null, errors: "period" }) as any,
    );
    // 400 days is beyond a report's year: the balance sheet needs no period, so ask P&L for a year.
    expect(errors ?? data).toBeTruthy();
    const whole = await statements(daysAgo(365), today());
    expect(whole.errors).toBeUndefined();
    const balances = new Map<string, InstanceType<typeof Dec>>(
      whole.data.trialBalance.rows.map((r: any) => [
        `${r.account.code}:${r.balance.currency}`,
        new Dec(r.balance.amount),
      ]),
    );
    for (const sheet of whole.data.balanceSheet.currencies) {
      const debitSide = [...sheet.assets];
      const creditSide = [...sheet.liabilities, ...sheet.equity];
      for (const l of debitSide)
        expect(l.amount.amount).toBe(balances.get(`${l.account.code}:${sheet.currency}`)!.toFixed(2));
      for (const l of creditSide)
        expect(l.amount.amount).toBe(balances.get(`${l.account.code}:${sheet.currency}`)!.neg().toFixed(2));
      expect(new Dec(sheet.totalAssets.amount).toFixed(2)).toBe(
        new Dec(sheet.totalLiabilities.amount)
          .plus(sheet.totalEquity.amount)
          .plus(sheet.currentResult.amount)
          .toFixed(2),
      );
      expect(sheet.totalLiabilitiesAndEquity.amount).toBe(sheet.totalAssets.amount);
    }
    // Over a year every entry is in the period, so the P&L result is the balance sheet's current result.
    const pl = new Map(whole.data.profitAndLoss.currencies.map((c: any) => [c.currency, c.result.amount]));
    for (const sheet of whole.data.balanceSheet.currencies)
      expect(pl.get(sheet.currency)).toBe(sheet.currentResult.amount);
  });

  it("reads revenue and expenses per currency, only of entries dated in the period", async () => {
    const { data } = await statements(daysAgo(29), today());
    const eur = data.profitAndLoss.currencies.find((c: any) => c.currency === "EUR");
    expect(eur).toMatchObject({
      revenue: [{ account: { code: "4000" }, amount: { amount: "1000.00", currency: "EUR" } }],
      expenses: [{ account: { code: "5100" }, amount: { amount: "12.50", currency: "EUR" } }],
      totalRevenue: { amount: "1000.00" },
      totalExpenses: { amount: "12.50" },
      result: { amount: "987.50" },
    });
    const usd = data.profitAndLoss.currencies.find((c: any) => c.currency === "USD");
    expect(usd.result.amount).toBe("210.00");
    const eurSheet = data.balanceSheet.currencies.find((c: any) => c.currency === "EUR");
    // The wages of 40 days ago are outside the P&L period but in the balance sheet's current result.
    expect(eurSheet.currentResult.amount).toBe("-2012.50");
    expect(eurSheet.equity).toEqual([{ account: { code: "3000" }, amount: { amount: "10000.00", currency: "EUR" } }]);
  });

  it("refuses a period that is reversed, longer than a year or outside plausible years", async () => {
    for (const [from, to, message] of [
      [today(), daysAgo(1), /to must be on or after from/],
      [daysAgo(366), today(), /at most 366 days; this period has 367/],
      ["1899-12-31", "1900-01-02", /from must be a day of the years 1900 to 2999/],
    ] as const) {
      const { errors } = await env.client.request(
        `query($f: Date!, $t: Date!) { profitAndLoss(from: $f, to: $t) { from } }`,
        {
          f: from,
          t: to,
        },
      );
      expect(errors?.[0]).toMatchObject({
        message: expect.stringMatching(message),
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
  });
});

describe("receivables aging", () => {
  it("ages every open invoice by customer and currency, with totals over all customers", async () => {
    const late = await customer("Aardvark Late GmbH");
    await issueInvoice(late, "EUR", "50.00", today());
    env.clock.set(new Date(Date.parse(`${today()}T12:00:00Z`) + 45 * 86_400_000));
    try {
      const res = await env.client.request(
        `{ receivablesAging { customerCount customers { customerName currency total { amount } buckets { current { amount currency } days31To60 { amount currency } } } totals { currency total { amount } } } }`,
      );
      const { data } = res;
      if (!data) throw new Error(JSON.stringify(res.errors));
      const aging = data.receivablesAging;
      expect(aging.customerCount).toBe(2);
      expect(aging.customers[0]).toEqual({
        customerName: "Aardvark Late GmbH",
        currency: "EUR",
        total: { amount: "119.00" },
        buckets: { current: { amount: "0.00", currency: "EUR" }, days31To60: { amount: "119.00", currency: "EUR" } },
      });
      const sums = new Map<string, InstanceType<typeof Dec>>();
      for (const row of aging.customers)
        sums.set(row.currency, (sums.get(row.currency) ?? new Dec(0)).plus(row.total.amount));
      for (const t of aging.totals) expect(t.total.amount).toBe(sums.get(t.currency)!.toFixed(2));
    } finally {
      env.clock.set(new Date());
    }
  });
});
