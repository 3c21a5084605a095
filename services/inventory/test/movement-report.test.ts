import { randomUUID } from "node:crypto";
import { isoDay } from "@erp/core";
import { newKey } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useInventory } from "./harness.js";

const env = useInventory();
const day = (offset: number) => isoDay(offset, Date.now()); // movements are stamped by the database's clock
const REPORT = `openingQuantity openingValue { amount } closingQuantity closingValue { amount }
  byKind { kind count quantity value { amount } } product { id } warehouse { id }
  movements(first: 2) { edges { node { kind quantity } } pageInfo { hasNextPage endCursor } }`;

let productId: string;
let main: string;
let annex: string;

const report = (from: string, to: string, warehouseId?: string) =>
  env.client.request(
    `query($p: ID!, $w: ID, $f: Date!, $t: Date!) { productStockMovements(productId: $p, warehouseId: $w, from: $f, to: $t) { ${REPORT} } }`,
    { p: productId, w: warehouseId, f: from, t: to },
  );

beforeAll(async () => {
  main = (await env.make.warehouse()).id;
  annex = (await env.make.warehouse()).id;
  const stocked = await env.make.stockedProduct("10", { warehouseId: main, unitCost: "4.00" });
  productId = stocked.product.id;
  await env.make.receive(productId, main, "5", "4.00");
  const { data } = await env.client.request(
    `mutation($i: TransferStockInput!) { transferStock(input: $i) { errors { code message } } }`,
    { i: { idempotencyKey: newKey(), productId, fromWarehouseId: main, toWarehouseId: annex, quantity: "3" } },
  );
  expect(data.transferStock.errors).toEqual([]);
});

describe("a product's stock movements over a period", () => {
  it("sums what moved in the period per kind between the opening and closing stock, over every warehouse", async () => {
    const { data } = await report(day(-7), day(0));
    const r = data.productStockMovements;
    expect(r).toMatchObject({
      openingQuantity: "0",
      closingQuantity: "15",
      closingValue: { amount: "60.00" },
      product: { id: productId },
      warehouse: null,
    });
    expect(r.byKind.map((k: any) => [k.kind, k.count, k.quantity])).toEqual([
      ["RECEIPT", 2, "15"],
      ["TRANSFER_IN", 1, "3"],
      ["TRANSFER_OUT", 1, "-3"],
    ]);
    expect(r.movements.edges).toHaveLength(2);
    expect(r.movements.pageInfo.hasNextPage).toBe(true);
  });

  it("reads one warehouse alone, and carries everything before the period into the opening stock", async () => {
    const annexToday = (await report(day(0), day(0), annex)).data.productStockMovements;
    expect(annexToday).toMatchObject({ openingQuantity: "0", closingQuantity: "3", warehouse: { id: annex } });
    const later = (await report(day(1), day(30), main)).data.productStockMovements;
    expect(later).toMatchObject({ openingQuantity: "12", closingQuantity: "12", byKind: [] });
    expect(later.movements.edges).toEqual([]);
    const before = (await report(day(-30), day(-1))).data.productStockMovements;
    expect(before).toMatchObject({ openingQuantity: "0", closingQuantity: "0", byKind: [] });
  });

  it("answers null for an unknown product and refuses a period longer than a year", async () => {
    const unknown = await env.client.request(
      `query($p: ID!, $d: Date!) { productStockMovements(productId: $p, from: $d, to: $d) { closingQuantity } }`,
      { p: randomUUID(), d: day(0) },
    );
    expect(unknown.data.productStockMovements).toBeNull();
    const { errors } = await report(day(-400), day(0));
    expect(errors?.[0]).toMatchObject({
      message: expect.stringMatching(/at most 366 days/),
      extensions: { code: "BAD_USER_INPUT" },
    });
  });
});
