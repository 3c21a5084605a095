import { randomUUID } from "node:crypto";
import { testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();

describe(`what procurement learns from other domains' events on ${testDatabaseKind()}`, () => {
  it("keeps the newest product snapshot, and refuses to order a product inventory discontinued", async () => {
    const p = await env.product();
    const snapshot = (status: string, version: number) => ({
      productId: p,
      sku: "SKU-X",
      name: "Screws",
      type: "STOCKED",
      status,
      quantityPrecision: 0,
      listPrice: { amount: "1.00", currency: "EUR" },
      version,
    });
    await env.deliver("inventory.product.discontinued", snapshot("DISCONTINUED", 3));
    await env.deliver("inventory.product.details_updated", snapshot("ACTIVE", 2)); // late, older: ignored
    const s = await env.supplier();
    const { errors } = await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "1" }]);
    expect(errors).toEqual([
      expect.objectContaining({ code: "PRODUCT_NOT_PURCHASABLE", field: ["lines", "0", "productId"] }),
    ]);
  });

  it("remembers the latest low-stock report per product and warehouse, and forgets it once goods are received there", async () => {
    const { order, productId } = await env.approvedOrder("5", "1.00");
    const low = (available: string) =>
      env.deliver("inventory.stock.low", {
        productId,
        warehouseId: env.warehouseId,
        available,
        reorderPoint: "10",
        reorderQuantity: null,
      });
    await low("4");
    env.clock.set(new Date(env.clock.now().getTime() + 1000));
    await low("2");
    const rows = async () =>
      (
        await sql<{
          available: string;
        }>`select available::text from procurement.stock_lows where product_id = ${productId}`.execute(env.database.db)
      ).rows.map((r) => Number(r.available));
    expect(await rows()).toEqual([2]);
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "5" }]);
    expect(await rows()).toEqual([]);
  });

  it("ignores a payment for a bill procurement does not know", async () => {
    const before = await env.snapshot();
    await env.deliver("finance.supplier_payment.recorded", {
      supplierPaymentId: randomUUID(),
      billId: randomUUID(),
      supplierId: randomUUID(),
      amount: { amount: "1.00", currency: "EUR" },
      billOutstanding: { amount: "0.00", currency: "EUR" },
    });
    const after = await env.snapshot();
    expect({ ...after, inbox_events: before.inbox_events }).toEqual(before);
  });
});
