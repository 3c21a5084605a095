import { randomUUID } from "node:crypto";
import { newKey, subgraphClient, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { describe, expect, it } from "vitest";
import { inventory } from "../src/index.js";
import { ERRORS, snapshot, useInventory } from "./harness.js";

const env = useInventory();
const PRODUCT =
  "product { id sku name unitOfMeasure quantityPrecision type standardCost { amount currency } listPrice { amount currency } status version }";
const register = (input: Record<string, unknown>) =>
  env.client.request(`mutation($i: RegisterProductInput!) { registerProduct(input: $i) { ${PRODUCT} ${ERRORS} } }`, {
    i: {
      idempotencyKey: newKey(),
      sku: `SKU-${newKey().slice(-8)}`,
      name: "Oak chair",
      unitOfMeasure: "PIECE",
      type: "STOCKED",
      standardCost: { amount: "80.00", currency: "EUR" },
      listPrice: { amount: "149.00", currency: "EUR" },
      ...input,
    },
  });

describe(`catalogue, warehouses and stock queries on ${testDatabaseKind()}`, () => {
  it("registers a product with its unit's precision and exact money", async () => {
    const { data } = await register({
      sku: "COFFEE-1",
      name: "Coffee beans",
      unitOfMeasure: "KILOGRAM",
      listPrice: { amount: "19.5", currency: "USD" },
    });
    expect(data.registerProduct.product).toMatchObject({
      sku: "COFFEE-1",
      quantityPrecision: 3,
      listPrice: { amount: "19.50", currency: "USD" },
      status: "ACTIVE",
      version: 1,
    });
  });

  it("refuses a taken SKU, a bad SKU, a negative price and a cost outside the valuation currency, writing nothing", async () => {
    await register({ sku: "TAKEN-SKU" });
    const before = await snapshot(env);
    expect((await register({ sku: "TAKEN-SKU" })).data.registerProduct.errors[0]).toMatchObject({
      code: "SKU_TAKEN",
      field: ["sku"],
    });
    expect((await register({ sku: "has space" })).data.registerProduct.errors[0].field).toEqual(["sku"]);
    expect(
      (await register({ listPrice: { amount: "-1.00", currency: "EUR" } })).data.registerProduct.errors[0].field,
    ).toEqual(["listPrice", "amount"]);
    expect(
      (await register({ standardCost: { amount: "1.00", currency: "USD" } })).data.registerProduct.errors[0].field,
    ).toEqual(["standardCost", "currency"]);
    expect(await snapshot(env)).toEqual(before);
  });

  it("updates details with expectedVersion and discontinues once", async () => {
    const id = (await register({})).data.registerProduct.product.id;
    const update = (expectedVersion: number) =>
      env.client.request(
        `mutation($i: UpdateProductDetailsInput!) { updateProductDetails(input: $i) { ${PRODUCT} ${ERRORS} } }`,
        {
          i: {
            idempotencyKey: newKey(),
            productId: id,
            expectedVersion,
            name: "Oak chair v2",
            listPrice: { amount: "159.00", currency: "EUR" },
          },
        },
      );
    expect((await update(1)).data.updateProductDetails.product).toMatchObject({
      name: "Oak chair v2",
      listPrice: { amount: "159.00" },
      version: 2,
    });
    expect((await update(1)).data.updateProductDetails.errors[0].code).toBe("VERSION_CONFLICT");
    const discontinue = () =>
      env.client.request(
        `mutation($i: DiscontinueProductInput!) { discontinueProduct(input: $i) { ${PRODUCT} ${ERRORS} } }`,
        { i: { idempotencyKey: newKey(), productId: id } },
      );
    expect((await discontinue()).data.discontinueProduct.product.status).toBe("DISCONTINUED");
    expect((await discontinue()).data.discontinueProduct.errors[0].message).toBe(
      "Product cannot move from DISCONTINUED to DISCONTINUED",
    );
  });

  it("opens warehouses with unique codes", async () => {
    const open = (code: string) =>
      env.client.request(
        `mutation($i: OpenWarehouseInput!) { openWarehouse(input: $i) { warehouse { code address { city } } ${ERRORS} } }`,
        {
          i: {
            idempotencyKey: newKey(),
            code,
            name: "Depot",
            address: { line1: "Kai 1", postalCode: "20457", city: "Hamburg", country: "DE" },
          },
        },
      );
    expect((await open("HH-9")).data.openWarehouse.warehouse).toEqual({ code: "HH-9", address: { city: "Hamburg" } });
    expect((await open("HH-9")).data.openWarehouse.errors[0]).toMatchObject({
      code: "WAREHOUSE_CODE_TAKEN",
      field: ["code"],
    });
  });

  it("values a warehouse at moving-average cost, per product and in total", async () => {
    const warehouseId = (await env.make.warehouse()).id;
    const a = (await env.make.stockedProduct("3", { warehouseId, unitCost: "10.01" })).product;
    const b = await env.make.product({ unitOfMeasure: "KILOGRAM" });
    await env.make.receive(b.id, warehouseId, "1.5", "3.33");
    const { data } = await env.client.request(
      `query($w: ID!) { inventoryValuation(warehouseId: $w) { lines { product { sku } quantity value { amount } } total { amount currency } } }`,
      { w: warehouseId },
    );
    expect(data.inventoryValuation.lines).toEqual(
      expect.arrayContaining([
        { product: { sku: a.sku }, quantity: "3", value: { amount: "30.03" } },
        // 1.5 × 3.33 = 4.995 → 5.00 half-even (the 5 rounds to the even 0)
        { product: { sku: b.sku }, quantity: "1.5", value: { amount: "5.00" } },
      ]),
    );
    expect(data.inventoryValuation.total).toEqual({ amount: "35.03", currency: "EUR" });
  });

  it("values an unknown warehouse as NOT_FOUND, never a total of 0.00 nor an internal error", async () => {
    for (const fields of ["total { amount }", "warehouse { code } total { amount }"]) {
      const answer = await env.client.request(`query($w: ID!) { inventoryValuation(warehouseId: $w) { ${fields} } }`, {
        w: randomUUID(),
      });
      expect(answer.data).toBeNull();
      expect(answer.errors).toEqual([
        expect.objectContaining({
          message: "No warehouse has this id",
          extensions: expect.objectContaining({ code: "NOT_FOUND" }),
        }),
      ]);
    }
  });

  it("pages products, filters those below their reorder point, and resolves references by id and by sku", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("2");
    await env.client.request(`mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { ${ERRORS} } }`, {
      i: { idempotencyKey: newKey(), productId: product.id, warehouseId, reorderPoint: "5", reorderQuantity: "10" },
    });
    const low = await env.client.request(
      `{ products(first: 100, filter: { belowReorderPoint: true }) { nodes { sku totalAvailable } } }`,
    );
    expect(low.data.products.nodes).toEqual([{ sku: product.sku, totalAvailable: "2" }]);
    const entities = await env.client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id sku } } }`,
      {
        r: [
          { __typename: "Product", id: product.id },
          { __typename: "Product", sku: product.sku },
          { __typename: "Product", sku: "NOPE" },
        ],
      },
    );
    expect(entities.data._entities).toEqual([
      { id: product.id, sku: product.sku },
      { id: product.id, sku: product.sku },
      null,
    ]);
  });

  it("lists movements newest first, filtered by product and date, in a constant number of statements", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1");
    for (let i = 0; i < 4; i++) await env.make.receive(product.id, warehouseId, "1");
    const statementsFor = async (first: number) => {
      let statements = 0;
      const counting: KyselyPlugin = {
        transformQuery: (a) => (statements++, a.node),
        transformResult: async (a) => a.result,
      };
      const client = subgraphClient(inventory, env.database.db.withPlugin(counting));
      const { data } = await client.request(
        `query($f: StockMovementFilter, $n: Int) { stockMovements(first: $n, filter: $f) { nodes { kind quantity product { sku } warehouse { id } } pageInfo { hasNextPage } } }`,
        { n: first, f: { productId: product.id, from: "2000-01-01T00:00:00Z" } },
      );
      expect(data.stockMovements.nodes).toHaveLength(first);
      return statements;
    };
    expect(await statementsFor(2)).toBe(await statementsFor(5));
    const future = await env.client.request(
      `query($f: StockMovementFilter) { stockMovements(filter: $f) { nodes { id } } }`,
      {
        f: { productId: product.id, from: "2999-01-01T00:00:00Z" },
      },
    );
    expect(future.data.stockMovements.nodes).toEqual([]);
  });
});
