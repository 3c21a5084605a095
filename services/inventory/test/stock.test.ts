import { newKey, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ERRORS, LEVEL, snapshot, useInventory } from "./harness.js";

const env = useInventory();

const receive = (input: Record<string, unknown>) =>
  env.client.request(
    `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { kind quantity unitCost { amount } source { type id } } stockLevel { ${LEVEL} } ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), unitCost: { amount: "10.00", currency: "EUR" }, ...input } },
  );
const transfer = (input: Record<string, unknown>) =>
  env.client.request(
    `mutation($i: TransferStockInput!) { transferStock(input: $i) { outbound { kind quantity warehouse { id } } inbound { kind quantity unitCost { amount } warehouse { id } } ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), ...input } },
  );
const level = async (productId: string, warehouseId: string) =>
  (
    await env.client.request(`query($p: ID, $w: ID) { stockLevels(productId: $p, warehouseId: $w) { ${LEVEL} } }`, {
      p: productId,
      w: warehouseId,
    })
  ).data.stockLevels[0];

describe(`receiving and transferring stock on ${testDatabaseKind()}`, () => {
  it("receives stock, recording a RECEIPT movement and a moving-average cost", async () => {
    const [w, p] = [await env.make.warehouse(), await env.make.product()];
    const first = await receive({
      productId: p.id,
      warehouseId: w.id,
      quantity: "10",
      unitCost: { amount: "10.00", currency: "EUR" },
      source: { type: "PurchaseReceipt", id: "PR-1" },
    });
    expect(first.data.receiveStock.movement).toEqual({
      kind: "RECEIPT",
      quantity: "10",
      unitCost: { amount: "10.00" },
      source: { type: "PurchaseReceipt", id: "PR-1" },
    });
    const second = await receive({
      productId: p.id,
      warehouseId: w.id,
      quantity: "20",
      unitCost: { amount: "13.00", currency: "EUR" },
    });
    // (10 × 10.00 + 20 × 13.00) / 30 = 12.00
    expect(second.data.receiveStock.stockLevel).toMatchObject({
      onHand: "30",
      available: "30",
      averageUnitCost: { amount: "12.00", currency: "EUR" },
    });
    const third = await receive({
      productId: p.id,
      warehouseId: w.id,
      quantity: "1",
      unitCost: { amount: "0.01", currency: "EUR" },
    });
    // (30 × 12 + 1 × 0.01) / 31 = 11.613226 (6 places, half-even) → shown at cents
    expect(third.data.receiveStock.stockLevel.averageUnitCost.amount).toBe("11.61");
    expect(
      await env.scalar(`select average_unit_cost::text as v from inventory.stock_levels where product_id = '${p.id}'`),
    ).toBe("11.613226");
  });

  it("refuses TRUNCATE of stock movements and of the audit log, keeping their rows", async () => {
    await env.make.stockedProduct("3");
    for (const table of ["stock_movements", "audit_log"]) {
      const before = await env.count(`inventory.${table}`);
      expect(before).toBeGreaterThan(0);
      await expect(sql`truncate ${sql.id("inventory", table)} cascade`.execute(env.database.db)).rejects.toThrow(
        /append-only: TRUNCATE refused/,
      );
      expect(await env.count(`inventory.${table}`)).toBe(before);
    }
  });

  it("takes kilograms to 3 decimals and refuses a 4th, and refuses floats, zero and negatives, writing nothing", async () => {
    const [w, p] = [await env.make.warehouse(), await env.make.product({ unitOfMeasure: "KILOGRAM" })];
    const ok = await receive({ productId: p.id, warehouseId: w.id, quantity: "2.125" });
    expect(ok.data.receiveStock.stockLevel.onHand).toBe("2.125");
    const pieces = await env.make.product();
    const before = await snapshot(env);
    for (const quantity of ["2.1255", "0", "-1", "0.000"]) {
      const { data } = await receive({ productId: p.id, warehouseId: w.id, quantity });
      expect(data.receiveStock.errors[0]).toMatchObject({ code: "VALIDATION_FAILED", field: ["quantity"] });
    }
    expect(
      (await receive({ productId: pieces.id, warehouseId: w.id, quantity: "1.5" })).data.receiveStock.errors[0].message,
    ).toBe("Quantities in PIECE have at most 0 decimal places");
    const float = await receive({ productId: p.id, warehouseId: w.id, quantity: 1.5 });
    expect(float.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await snapshot(env)).toEqual(before);
  });

  it("refuses unknown products and warehouses, services, and a cost in another currency", async () => {
    const [w, p] = [await env.make.warehouse(), await env.make.product()];
    const service = await env.make.product({ type: "SERVICE", unitOfMeasure: "HOUR" });
    const unknown = "00000000-0000-4000-8000-000000000000";
    const before = await snapshot(env);
    expect(
      (await receive({ productId: unknown, warehouseId: w.id, quantity: "1" })).data.receiveStock.errors[0].code,
    ).toBe("PRODUCT_NOT_FOUND");
    expect(
      (await receive({ productId: p.id, warehouseId: unknown, quantity: "1" })).data.receiveStock.errors[0].code,
    ).toBe("WAREHOUSE_NOT_FOUND");
    expect(
      (await receive({ productId: service.id, warehouseId: w.id, quantity: "1" })).data.receiveStock.errors[0].code,
    ).toBe("PRODUCT_NOT_STOCKED");
    const usd = await receive({
      productId: p.id,
      warehouseId: w.id,
      quantity: "1",
      unitCost: { amount: "1.00", currency: "USD" },
    });
    expect(usd.data.receiveStock.errors[0]).toMatchObject({
      code: "CURRENCY_MISMATCH",
      field: ["unitCost", "currency"],
    });
    expect(await snapshot(env)).toEqual(before);
  });

  it("50 concurrent duplicates of one receipt with one key record one movement", async () => {
    const [w, p] = [await env.make.warehouse(), await env.make.product()];
    const input = {
      idempotencyKey: newKey("dup"),
      productId: p.id,
      warehouseId: w.id,
      quantity: "5",
      unitCost: { amount: "3.00", currency: "EUR" },
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        env.client.request(
          `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { id } stockLevel { onHand } ${ERRORS} } }`,
          { i: input },
        ),
      ),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await env.count("inventory.stock_movements", `product_id = '${p.id}'`)).toBe(1);
    expect((await level(p.id, w.id)).onHand).toBe("5");
  });

  it("transfers out and in in one transaction, at the source's average cost, conserving the total", async () => {
    const { product, warehouseId: from } = await env.make.stockedProduct("10", { unitCost: "7.50" });
    const to = (await env.make.warehouse()).id;
    const { data } = await transfer({ productId: product.id, fromWarehouseId: from, toWarehouseId: to, quantity: "4" });
    expect(data.transferStock.errors).toEqual([]);
    expect(data.transferStock.outbound).toEqual({ kind: "TRANSFER_OUT", quantity: "-4", warehouse: { id: from } });
    expect(data.transferStock.inbound).toEqual({
      kind: "TRANSFER_IN",
      quantity: "4",
      unitCost: { amount: "7.50" },
      warehouse: { id: to },
    });
    const [source, destination] = [await level(product.id, from), await level(product.id, to)];
    expect([source.onHand, destination.onHand]).toEqual(["6", "4"]);
    expect(destination.averageUnitCost.amount).toBe("7.50");
  });

  it("refuses a transfer to the same warehouse, or of more than is available, writing nothing", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("3");
    const other = (await env.make.warehouse()).id;
    const before = await snapshot(env);
    expect(
      (
        await transfer({
          productId: product.id,
          fromWarehouseId: warehouseId,
          toWarehouseId: warehouseId,
          quantity: "1",
        })
      ).data.transferStock.errors[0].code,
    ).toBe("SAME_WAREHOUSE");
    const short = await transfer({
      productId: product.id,
      fromWarehouseId: warehouseId,
      toWarehouseId: other,
      quantity: "4",
    });
    expect(short.data.transferStock.errors[0]).toMatchObject({
      code: "INSUFFICIENT_STOCK",
      message: `Only 3 of ${product.sku} available, 4 requested`,
    });
    expect(await snapshot(env)).toEqual(before);
  });

  it("opposite concurrent transfers never deadlock and conserve the total", async () => {
    const a = (await env.make.warehouse()).id;
    const b = (await env.make.warehouse()).id;
    const product = await env.make.product();
    await env.make.receive(product.id, a, "50");
    await env.make.receive(product.id, b, "50");
    const moves = Array.from({ length: 20 }, (_, i) =>
      transfer({ productId: product.id, fromWarehouseId: i % 2 ? a : b, toWarehouseId: i % 2 ? b : a, quantity: "3" }),
    );
    const results = await Promise.all(moves);
    expect(results.every((r) => r.data.transferStock.errors.length === 0)).toBe(true);
    const total = Number((await level(product.id, a)).onHand) + Number((await level(product.id, b)).onHand);
    expect(total).toBe(100);
  });

  it("keeps on hand equal to the sum of movements, and reports any drift", async () => {
    expect((await env.client.request(`{ stockLedgerDiscrepancies { onHand } }`)).data.stockLedgerDiscrepancies).toEqual(
      [],
    );
    const { product, warehouseId } = await env.make.stockedProduct("8");
    // Drift injected behind the API's back must show up.
    await sql`update inventory.stock_levels set on_hand = 9 where product_id = ${product.id}`.execute(env.database.db);
    const { data } = await env.client.request(
      `{ stockLedgerDiscrepancies { product { sku } warehouse { id } onHand ledgerQuantity } }`,
    );
    expect(data.stockLedgerDiscrepancies).toEqual([
      { product: { sku: product.sku }, warehouse: { id: warehouseId }, onHand: "9", ledgerQuantity: "8" },
    ]);
    // The check inventory publishes for finance's reconciliation carries the same finding.
    const check = await env.client.request(
      `mutation($i: CheckStockLedgerInput!) { checkStockLedger(input: $i) { discrepancies { onHand ledgerQuantity } errors { code } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    expect(check.data.checkStockLedger.discrepancies).toEqual([{ onHand: "9", ledgerQuantity: "8" }]);
    expect(await env.count("inventory.outbox_events", "type = 'inventory.ledger.checked'")).toBeGreaterThan(0);
    await sql`update inventory.stock_levels set on_hand = 8 where product_id = ${product.id}`.execute(env.database.db);
  });

  it("refuses to update or delete a movement, even by direct SQL", async () => {
    const { product } = await env.make.stockedProduct("2");
    await expect(
      sql`update inventory.stock_movements set quantity = 200 where product_id = ${product.id}`.execute(
        env.database.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`delete from inventory.stock_movements where product_id = ${product.id}`.execute(env.database.db),
    ).rejects.toThrow(/append-only/);
    expect(await env.count("inventory.stock_movements", `product_id = '${product.id}' and quantity = 2`)).toBe(1);
  });
});
