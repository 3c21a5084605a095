import { randomUUID } from "node:crypto";
import { GoodsReceived } from "@erp/contracts";
import { type DeliveredEvent, type EventHandler, handleOnce } from "@erp/core";
import { testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { inventory } from "../src/index.js";
import { LEVEL, snapshot, useInventory } from "./harness.js";

const env = useInventory();

function goodsReceived(
  warehouseId: string,
  lines: { productId: string; quantity: string; cost: string; currency?: string }[],
) {
  return {
    receiptId: randomUUID(),
    number: `GR-${Math.floor(Math.random() * 1e6)}`,
    purchaseOrderId: randomUUID(),
    supplierId: randomUUID(),
    warehouseId,
    receivedOn: "2026-11-30",
    lines: lines.map((l) => ({
      receiptLineId: randomUUID(),
      purchaseOrderLineId: randomUUID(),
      productId: l.productId,
      quantity: l.quantity,
      unitCost: { amount: l.cost, currency: l.currency ?? "EUR" },
    })),
  };
}

/** One delivery of the event with this id, exactly as the bus makes it (through the inbox). */
function delivery(payload: ReturnType<typeof goodsReceived>, id = randomUUID()): DeliveredEvent {
  return {
    id,
    type: GoodsReceived.type,
    version: GoodsReceived.version,
    source: "procurement",
    aggregateType: "GoodsReceipt",
    aggregateId: payload.receiptId,
    payload,
    occurredAt: new Date().toISOString(),
    requestId: "test",
  };
}

const handler = inventory.handlers!.find((h) => h.contract === GoodsReceived) as EventHandler;
const deliver = (event: DeliveredEvent) => handleOnce(env.database.db, "inventory", handler, event, env.clock);

const level = async (productId: string, warehouseId: string) =>
  (
    await env.client.request(`query($p: ID, $w: ID) { stockLevels(productId: $p, warehouseId: $w) { ${LEVEL} } }`, {
      p: productId,
      w: warehouseId,
    })
  ).data.stockLevels[0];

const receivedEvents = async (productId: string) =>
  (
    await sql<{ payload: any }>`select payload from inventory.outbox_events
      where type = 'inventory.stock.received' and payload->>'productId' = ${productId} order by sequence`.execute(
      env.database.db,
    )
  ).rows.map((r) => r.payload);

describe(`goods received from procurement on ${testDatabaseKind()}`, () => {
  it("stocks each line as a RECEIPT at the PO price, once however often the event is delivered", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("10", { unitCost: "10.00" });
    const other = await env.make.product();
    const receipt = goodsReceived(warehouseId, [
      { productId: product.id, quantity: "5", cost: "13.00" },
      { productId: other.id, quantity: "2", cost: "4.99" },
    ]);
    const event = delivery(receipt);
    expect(await deliver(event)).toBe(true);
    // The same event again (a redelivery): the inbox knows its id.
    expect(await deliver(event)).toBe(false);
    // Another event for the same receipt: its movements are found, nothing is added.
    expect(await deliver(delivery(receipt))).toBe(true);
    // (10 × 10.00 + 5 × 13.00) / 15 = 11.00, once.
    expect(await level(product.id, warehouseId)).toMatchObject({
      onHand: "15",
      averageUnitCost: { amount: "11.00", currency: "EUR" },
    });
    expect(await level(other.id, warehouseId)).toMatchObject({ onHand: "2", averageUnitCost: { amount: "4.99" } });
    expect(
      await env.count(
        "inventory.stock_movements",
        `source_type = 'GoodsReceipt' and source_id = '${receipt.receiptId}' and kind = 'RECEIPT'`,
      ),
    ).toBe(2);
    const [, fromReceipt] = await receivedEvents(product.id);
    expect(fromReceipt).toMatchObject({
      productId: product.id,
      warehouseId,
      quantity: "5",
      unitCost: { amount: "13.00", currency: "EUR" },
      value: { amount: "65.00", currency: "EUR" },
      source: { type: "GoodsReceipt", id: receipt.receiptId },
    });
    expect(await receivedEvents(other.id)).toHaveLength(1);
  });

  it("stocks a receipt once when two events for it arrive at the same time", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("4", { unitCost: "2.00" });
    const receipt = goodsReceived(warehouseId, [{ productId: product.id, quantity: "6", cost: "3.00" }]);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliver(delivery(receipt))));
    expect(outcomes).toEqual([true, true, true, true, true]);
    // (4 × 2.00 + 6 × 3.00) / 10 = 2.60
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "10", averageUnitCost: { amount: "2.60" } });
    expect(await receivedEvents(product.id)).toHaveLength(2);
  });

  it("stocks nothing of a receipt with a line it cannot take, and fails with the reason for the dead letter", async () => {
    const w = (await env.make.warehouse()).id;
    const good = await env.make.product();
    const service = await env.make.product({ type: "SERVICE", unitOfMeasure: "HOUR" });
    const before = await snapshot(env);
    const cases: [Parameters<typeof goodsReceived>[1], RegExp][] = [
      [[{ productId: randomUUID(), quantity: "1", cost: "1.00" }], /PRODUCT_NOT_FOUND/],
      [
        [
          { productId: good.id, quantity: "3", cost: "1.00" },
          { productId: service.id, quantity: "1", cost: "1.00" },
        ],
        /PRODUCT_NOT_STOCKED/,
      ],
      [
        [{ productId: good.id, quantity: "1", cost: "1.00", currency: "USD" }],
        /CURRENCY_MISMATCH: Stock is valued in EUR/,
      ],
      [[{ productId: good.id, quantity: "1.5", cost: "1.00" }], /VALIDATION_FAILED/],
    ];
    for (const [lines, reason] of cases) {
      const receipt = goodsReceived(w, lines);
      const failure = deliver(delivery(receipt));
      await expect(failure).rejects.toThrow(
        new RegExp(`Goods receipt ${receipt.number} \\(${receipt.receiptId}\\) line`),
      );
      await expect(deliver(delivery(receipt))).rejects.toThrow(reason);
    }
    // Nothing stocked, no event, not even the inbox claim: the bus may deliver it again.
    expect(await snapshot(env)).toEqual(before);
  });
});
