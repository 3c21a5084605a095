import { randomUUID } from "node:crypto";
import { isoDay } from "@erp/core";
import { newKey, testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";

const env = useFinance();
const invoices: { id: string; number: string }[] = [];
const entries: string[] = [];

/** Issued in this order; due dates tie in pairs (+20, +10, +20, +10, +30 days), totals 100, 200, 100, 300, 200. */
const INVOICES = [
  [20, "100"],
  [10, "200"],
  [20, "100"],
  [10, "300"],
  [30, "200"],
] as const;
/** Posted in this order; accounting dates tie in pairs, all before any invoice's posting (today). */
const ENTRY_DAYS = [-5, -9, -5, -9];

beforeAll(async () => {
  const customerId = randomUUID();
  await env.deliver("crm.customer.registered", {
    customerId,
    code: "C-LIST",
    name: "Listing GmbH",
    status: "ACTIVE",
    version: 1,
  });
  for (const [days, unitPrice] of INVOICES) {
    const { data } = await env.client.request(
      `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { id number } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId,
          currency: "EUR",
          dueOn: isoDay(days),
          lines: [{ description: "Consulting", quantity: "1", unitPrice, taxRate: "0" }],
        },
      },
    );
    expect(data.issueInvoice.errors).toEqual([]);
    invoices.push(data.issueInvoice.invoice);
  }
  const { data } = await env.client.request(`{ accounts { id code } }`);
  const account = (code: string) => data.accounts.find((a: any) => a.code === code).id;
  for (const days of ENTRY_DAYS) {
    const posted = await env.client.request(
      `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { journalEntry { id } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          entryDate: isoDay(days),
          description: "Bank charge",
          lines: [
            { accountId: account("5100"), debit: { amount: "1.00", currency: "EUR" } },
            { accountId: account("1000"), credit: { amount: "1.00", currency: "EUR" } },
          ],
        },
      },
    );
    expect(posted.data.postJournalEntry.errors).toEqual([]);
    entries.push(posted.data.postJournalEntry.journalEntry.id);
  }
});

const INVOICE_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: InvoiceOrder, $filter: InvoiceFilter) {
  invoices(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const ENTRY_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: JournalEntryOrder) {
  journalEntries(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const invoice = (...i: number[]) => i.map((n) => invoices[n]!.id);
const entry = (...i: number[]) => i.map((n) => entries[n]!);

describe(`the invoice list's orders and filters on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false, filter: unknown = null) =>
    walkConnection(env.client, INVOICE_LIST, "invoices", { size: 2, backward, variables: { orderBy, filter } });

  it("sorts by due date and total both ways, ties by issuing in the same direction, the same rows forward and backward", async () => {
    const byDue = invoice(1, 3, 0, 2, 4);
    expect((await walk({ key: "DUE_ON", direction: "ASC" })).flat()).toEqual(byDue);
    expect((await walk({ key: "DUE_ON", direction: "ASC" }, true)).flat()).toEqual(byDue);
    const byTotal = invoice(3, 4, 1, 2, 0);
    expect((await walk({ key: "TOTAL", direction: "DESC" })).flat()).toEqual(byTotal);
    expect(await walk({ key: "TOTAL", direction: "DESC" }, true)).toEqual([
      byTotal.slice(0, 1),
      byTotal.slice(1, 3),
      byTotal.slice(3),
    ]);
    expect((await walk(null)).flat()).toEqual(invoice(4, 3, 2, 1, 0));
  });

  it("narrows by a due-date range, a total range and the number, and counts the whole filtered list", async () => {
    const soon = await env.client.request(INVOICE_LIST, {
      first: 1,
      filter: { dueFrom: isoDay(10), dueTo: isoDay(20) },
      orderBy: { key: "DUE_ON", direction: "DESC" },
    });
    expect(soon.data.invoices).toMatchObject({ nodes: [{ id: invoices[2]!.id }], totalCount: 4 });
    const big = await env.client.request(INVOICE_LIST, {
      first: 5,
      filter: { totalMin: "200", totalMax: "250", statuses: ["ISSUED", "PARTIALLY_PAID"] },
      orderBy: { key: "NUMBER" },
    });
    expect(big.data.invoices.nodes.map((n: any) => n.id)).toEqual(invoice(1, 4));
    const byNumber = await env.client.request(INVOICE_LIST, { first: 5, filter: { search: invoices[3]!.number } });
    expect(byNumber.data.invoices).toMatchObject({ nodes: [{ id: invoices[3]!.id }], totalCount: 1 });
    const all = await env.client.request(INVOICE_LIST, { first: 1 });
    expect(all.data.invoices.totalCount).toBe(5);
  });
});

describe(`the journal's orders on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false) =>
    walkConnection(env.client, ENTRY_LIST, "journalEntries", { size: 2, backward, variables: { orderBy } });

  it("sorts by accounting date both ways, ties by posting in the same direction, the same rows forward and backward", async () => {
    const whole = await env.client.request(ENTRY_LIST, { first: 100, orderBy: { key: "ENTRY_DATE" } });
    const total = whole.data.journalEntries.totalCount;
    expect(total).toBe(whole.data.journalEntries.nodes.length);
    expect(total).toBeGreaterThanOrEqual(5 + ENTRY_DAYS.length);
    const asc = whole.data.journalEntries.nodes.map((n: any) => n.id);
    expect(asc.slice(0, 4)).toEqual(entry(1, 3, 0, 2));
    expect((await walk({ key: "ENTRY_DATE", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walk({ key: "ENTRY_DATE", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = (await walk({ key: "ENTRY_DATE", direction: "DESC" })).flat();
    expect(desc.slice(-4)).toEqual(entry(2, 0, 3, 1));
    expect(new Set(desc).size).toBe(total);
    expect((await walk({ key: "ENTRY_DATE", direction: "DESC" }, true)).flat()).toEqual(desc);
  });
});
