import { randomUUID } from "node:crypto";
import { newKey, testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useSales } from "./harness.js";

const env = useSales();
const orders: { id: string; number: string }[] = [];

/** A customer as CRM announces it, with the name sales keeps for searching and sorting. */
async function customerNamed(name: string) {
  const customerId = randomUUID();
  await env.deliver("crm.customer.registered", { customerId, code: "C", name, status: "ACTIVE", version: 1 });
  return customerId;
}

beforeAll(async () => {
  const productId = await env.product();
  const zeta = await customerNamed("Zeta Möbel");
  const alpha = await customerNamed("Alpha Büro");
  // Placed in this order; quantities make totals tie in pairs (1, 2, 1, 2 chairs).
  for (const [customerId, quantity] of [
    [zeta, "1"],
    [alpha, "2"],
    [alpha, "1"],
    [zeta, "2"],
  ] as const) {
    const { data } = await env.place(customerId, [{ productId, quantity }]);
    orders.push(data.placeSalesOrder.salesOrder);
  }
});

const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: SalesOrderOrder, $filter: SalesOrderFilter) {
  salesOrders(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const walk = (orderBy: unknown, backward = false, filter: unknown = null) =>
  walkConnection(env.client, LIST, "salesOrders", { size: 3, backward, variables: { orderBy, filter } });
const id = (...i: number[]) => i.map((n) => orders[n]!.id);

describe(`the sales order list's orders and filters on ${testDatabaseKind()}`, () => {
  it("sorts by the customer's name as sales knows it and by total, ties by placing in the same direction, both ways", async () => {
    expect((await walk({ key: "CUSTOMER", direction: "ASC" })).flat()).toEqual(id(1, 2, 0, 3));
    expect((await walk({ key: "CUSTOMER", direction: "ASC" }, true)).flat()).toEqual(id(1, 2, 0, 3));
    expect((await walk({ key: "TOTAL", direction: "DESC" })).flat()).toEqual(id(3, 1, 2, 0));
    expect((await walk({ key: "TOTAL", direction: "DESC" }, true)).flat()).toEqual(id(3, 1, 2, 0));
    expect((await walk(null)).flat()).toEqual(id(3, 2, 1, 0));
  });

  it("searches by customer name or order number, narrows by total and status set, and counts", async () => {
    const byName = await env.client.request(LIST, { first: 1, filter: { search: "büro" } });
    expect(byName.data.salesOrders).toMatchObject({ nodes: [{ id: orders[2]!.id }], totalCount: 2 });
    const byNumber = await env.client.request(LIST, { first: 5, filter: { search: orders[0]!.number } });
    expect(byNumber.data.salesOrders.nodes).toEqual([{ id: orders[0]!.id }]);
    const big = await env.client.request(LIST, {
      first: 5,
      filter: { totalMin: "150", statuses: ["DRAFT", "CONFIRMED"] },
      orderBy: { key: "NUMBER" },
    });
    expect(big.data.salesOrders.nodes.map((n: any) => n.id)).toEqual(id(1, 3));
    const none = await env.client.request(LIST, { first: 5, filter: { statuses: ["SHIPPED"] } });
    expect(none.data.salesOrders).toMatchObject({ nodes: [], totalCount: 0 });
  });
});

describe(`the quote list's orders and filters on ${testDatabaseKind()}`, () => {
  /** Drafted in this order, valid this many days from today (ties in pairs); the second and fifth are sent. */
  const VALID_FOR = [20, 10, 20, 10, 30];
  const quotes: { id: string; number: string }[] = [];
  const day = (offset: number) => {
    const d = new Date(`${env.clock.today()}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + offset);
    return d.toISOString().slice(0, 10);
  };
  beforeAll(async () => {
    const [customerId, productId] = [await customerNamed("Quote Kunde"), await env.product()];
    for (const [i, days] of VALID_FOR.entries()) {
      const { data } = await env.client.request(
        `mutation($i: CreateQuoteInput!) { createQuote(input: $i) { quote { id number } errors { code } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            customerId,
            currency: "EUR",
            validUntil: day(days),
            lines: [{ productId, quantity: "1" }],
          },
        },
      );
      expect(data.createQuote.errors).toEqual([]);
      quotes.push(data.createQuote.quote);
      if (i === 1 || i === 4)
        await env.client.request(`mutation($i: SendQuoteInput!) { sendQuote(input: $i) { errors { code } } }`, {
          i: { idempotencyKey: newKey(), quoteId: data.createQuote.quote.id },
        });
    }
  });
  const QUOTES = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: QuoteOrder, $filter: QuoteFilter) {
    quotes(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
      nodes { id status } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
    }
  }`;
  const walkQuotes = (orderBy: unknown, backward = false) =>
    walkConnection(env.client, QUOTES, "quotes", { size: 2, backward, variables: { orderBy } });
  const quote = (...i: number[]) => i.map((n) => quotes[n]!.id);

  it("sorts by validity both ways, ties by drafting in the same direction, the same rows forward and backward", async () => {
    const asc = quote(1, 3, 0, 2, 4);
    expect((await walkQuotes({ key: "VALID_UNTIL", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walkQuotes({ key: "VALID_UNTIL", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = quote(4, 2, 0, 3, 1);
    expect((await walkQuotes({ key: "VALID_UNTIL", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walkQuotes({ key: "VALID_UNTIL", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 1),
      desc.slice(1, 3),
      desc.slice(3),
    ]);
    expect((await walkQuotes(null)).flat()).toEqual(quote(4, 3, 2, 1, 0));
  });

  it("narrows by status, a validity range and the number, and counts the whole filtered list", async () => {
    const sent = await env.client.request(QUOTES, { first: 1, filter: { status: "SENT" } });
    expect(sent.data.quotes).toMatchObject({ nodes: [{ id: quotes[4]!.id, status: "SENT" }], totalCount: 2 });
    const soon = await env.client.request(QUOTES, {
      first: 5,
      filter: { validFrom: day(10), validTo: day(15), status: "DRAFT" },
    });
    expect(soon.data.quotes).toMatchObject({ nodes: [{ id: quotes[3]!.id }], totalCount: 1 });
    const byNumber = await env.client.request(QUOTES, { first: 5, filter: { search: quotes[2]!.number } });
    expect(byNumber.data.quotes).toMatchObject({ nodes: [{ id: quotes[2]!.id }], totalCount: 1 });
    const all = await env.client.request(QUOTES, { first: 1 });
    expect(all.data.quotes.totalCount).toBe(5);
  });
});
