import { randomUUID } from "node:crypto";
import { testDatabaseKind, walkConnection } from "@erp/testing";
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
