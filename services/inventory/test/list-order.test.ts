import { testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useInventory } from "./harness.js";

const env = useInventory();
const ids: string[] = [];

beforeAll(async () => {
  // Registered in this order; list prices tie in pairs.
  const catalogue = [
    ["LST-DESK-2", "Desk", "120.00"],
    ["LST-CHAIR-1", "Chair", "45.00"],
    ["LST-LAMP-1", "Lamp", "45.00"],
    ["LST-DESK-1", "Desk", "120.00"],
    ["LST-SHELF-1", "Shelf", "80.00"],
  ];
  for (const [sku, name, price] of catalogue)
    ids.push((await env.make.product({ sku, name, listPrice: { amount: price, currency: "EUR" } })).id);
});

const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ProductOrder, $filter: ProductFilter) {
  products(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const walk = (orderBy: unknown, backward = false) =>
  walkConnection(env.client, LIST, "products", {
    size: 2,
    backward,
    variables: { orderBy, filter: { search: "lst-" } },
  });
const id = (...i: number[]) => i.map((n) => ids[n]);

describe(`the product list's orders and filters on ${testDatabaseKind()}`, () => {
  it("sorts by list price and by name, ties by registration in the same direction, the same' rows forward and backward", async () => {
    expect((await walk({ key: "LIST_PRICE", direction: "DESC" })).flat()).toEqual(id(3, 0, 4, 2, 1));
    expect((await walk({ key: "LIST_PRICE", direction: "DESC" }, true)).flat()).toEqual(id(3, 0, 4, 2, 1));
    expect((await walk({ key: "NAME" })).flat()).toEqual(id(1, 0, 3, 2, 4));
    expect((await walk({ key: "SKU" }, true)).flat()).toEqual(id(1, 3, 0, 2, 4));
  });

  it("searches SKU and name, narrows by a status set, and counts only the filtered list", async () => {
    const desks = await env.client.request(LIST, { first: 1, filter: { search: "desk" }, orderBy: { key: "SKU" } });
    expect(desks.data.products).toMatchObject({ nodes: [{ id: ids[3] }], totalCount: 2 });
    const none = await env.client.request(LIST, { first: 5, filter: { search: "lst-", statuses: ["DISCONTINUED"] } });
    expect(none.data.products).toMatchObject({ nodes: [], totalCount: 0 });
    const active = await env.client.request(LIST, { first: 5, filter: { search: "lst-", statuses: ["ACTIVE"] } });
    expect(active.data.products.totalCount).toBe(5);
  });
});
