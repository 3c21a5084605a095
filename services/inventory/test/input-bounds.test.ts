import { sql } from "@erp/core";
import { newKey, refusedMutation, testDatabaseKind, validationFailedOn } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useInventory } from "./harness.js";

const env = useInventory();

/** Runs a mutation that must be refused and proves it wrote nothing in any inventory table. */
const refused = (mutation: string, type: string, input: Record<string, unknown>) =>
  refusedMutation(env.client, env.database.db, "inventory", mutation, type, input);

const only = validationFailedOn;
const receipt = (productId: string, warehouseId: string, quantity: string, unitCost: string) => ({
  productId,
  warehouseId,
  quantity,
  unitCost: { amount: unitCost, currency: "EUR" },
});
const product = (extra: Record<string, unknown>) => ({
  sku: `SKU-${newKey().slice(-8)}`,
  name: "Chair",
  unitOfMeasure: "PIECE",
  type: "STOCKED",
  standardCost: { amount: "1.00", currency: "EUR" },
  listPrice: { amount: "2.00", currency: "EUR" },
  ...extra,
});

describe(`inventory refuses amounts its columns cannot hold on ${testDatabaseKind()}`, () => {
  it("refuses a unit cost of 9999999999999999 (the ledger keeps 14 digits), naming unitCost.amount", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1");
    const input = receipt(product.id, warehouseId, "1", "9999999999999999");
    expect(await refused("receiveStock", "ReceiveStockInput", input)).toEqual(only("unitCost.amount"));
  });

  it("refuses a quantity of 10^30, naming quantity", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1");
    const input = receipt(product.id, warehouseId, `1${"0".repeat(30)}`, "1.00");
    expect(await refused("receiveStock", "ReceiveStockInput", input)).toEqual(only("quantity"));
  });

  it("refuses a receipt whose stock value (quantity × cost) overflows, naming quantity", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1");
    const input = receipt(product.id, warehouseId, "999999999999", "99999999999999");
    const errors = await refused("receiveStock", "ReceiveStockInput", input);
    expect(errors).toEqual(only("quantity"));
    expect(errors[0]!.message).toMatch(/stock value/);
  });

  it("refuses a receipt that would take the quantity on hand past 14 digits", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1", { unitCost: "0" });
    await sql`update inventory.stock_levels set on_hand = 99999999999999 where product_id = ${product.id}`.execute(
      env.database.db,
    );
    const input = receipt(product.id, warehouseId, "999999999999", "0");
    expect(await refused("receiveStock", "ReceiveStockInput", input)).toEqual(only("quantity"));
  });

  it("refuses an adjustment whose value overflows, naming delta", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1", { unitCost: "99999999999999" });
    const input = { productId: product.id, warehouseId, delta: "999999999999", reasonCode: "FOUND" };
    expect(await refused("adjustStock", "AdjustStockInput", input)).toEqual(only("delta"));
  });
});

describe(`inventory refuses control characters on ${testDatabaseKind()}`, () => {
  it.each([
    ["name", { name: "Chair\u0000" }],
    ["name", { name: "Chair\u202e" }],
    ["sku", { sku: "SKU\u001b1" }],
    ["description", { description: "Oak\u0007" }],
  ])("refuses a product with a control character in %s, naming it", async (field, extra) => {
    expect(await refused("registerProduct", "RegisterProductInput", product(extra))).toEqual(only(field));
  });

  it("refuses a warehouse code with a BEL, naming code", async () => {
    const input = { code: "W\u0007", name: "Main" };
    expect(await refused("openWarehouse", "OpenWarehouseInput", input)).toEqual(only("code"));
  });

  it("answers a NUL byte in a product search with BAD_USER_INPUT", async () => {
    const { errors } = await env.client.request(`{ products(filter: { search: "a\\u0000" }) { nodes { id } } }`);
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe(`inventory stores SQL-looking text literally on ${testDatabaseKind()}`, () => {
  it.each(["'; drop table inventory.products; --", "Robert'); DELETE FROM inventory.stock_movements; --"])(
    "registers %s as a name and finds it by search, tables intact",
    async (name) => {
      const tables = await env.count("information_schema.tables", "table_schema = 'inventory'");
      const movements = await env.count("inventory.stock_movements");
      const created = await env.make.product({ name });
      const found = await env.client.request(
        `query($s: String!) { products(first: 100, filter: { search: $s }) { nodes { id name } } }`,
        { s: name },
      );
      expect(found.data.products.nodes).toEqual([{ id: created.id, name }]);
      expect(await env.count("information_schema.tables", "table_schema = 'inventory'")).toBe(tables);
      expect(await env.count("inventory.stock_movements")).toBe(movements);
    },
  );
});

describe(`stock ledger filters on ${testDatabaseKind()}`, () => {
  it("answers a from in year 0 with BAD_USER_INPUT, not an internal error", async () => {
    const { errors } = await env.client.request(
      `{ stockMovements(filter: { from: "0000-01-01T00:00:00Z" }) { nodes { id } } }`,
    );
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
