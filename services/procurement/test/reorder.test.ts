import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { ORDER, useProcurement } from "./harness.js";

const env = useProcurement();
const DRAFT_FROM_REORDER = `purchaseOrders { id status requestedBy supplier { id } lines { product { id } quantity unitPrice { amount } } }
  skipped { product { id } reason } errors { code message }`;

describe(`reorder drafting from inventory's low-stock reports on ${testDatabaseKind()}`, () => {
  it("drafts one order per preferred supplier up to the reorder level, at least the minimum; a second run drafts nothing", async () => {
    const [a, b] = [await env.supplier(), await env.supplier()];
    const [p1, p2, p3, orphan] = [await env.product(), await env.product(), await env.product(), await env.product()];
    const price = (supplierId: string, productId: string, amount: string, minimumQuantity: string) =>
      env.mutate("setSupplierPrice", "SetSupplierPriceInput", "errors { code }", {
        supplierId,
        productId,
        price: { amount, currency: "EUR" },
        leadTimeDays: 3,
        minimumQuantity,
        preferred: true,
      });
    await price(a, p1, "1.00", "1");
    await price(a, p2, "2.00", "50");
    await price(b, p3, "3.00", "1");
    const low = (productId: string, available: string, reorderPoint: string, reorderQuantity: string | null) =>
      env.deliver("inventory.stock.low", {
        productId,
        warehouseId: env.warehouseId,
        available,
        reorderPoint,
        reorderQuantity,
      });
    await low(p1, "2", "10", null); // back to the reorder point: 8
    await low(p2, "0", "5", null); // 5, raised to the minimum of 50
    await low(p3, "1", "4", "20"); // the reorder quantity
    await low(orphan, "0", "1", null);

    const run = () =>
      env.mutate(
        "draftPurchaseOrdersFromReorderPoints",
        "DraftPurchaseOrdersFromReorderPointsInput",
        DRAFT_FROM_REORDER,
        {},
      );
    const first = await run();
    expect(first.errors).toEqual([]);
    const bySupplier = (id: string) => first.purchaseOrders.find((o: any) => o.supplier.id === id);
    expect(first.purchaseOrders).toHaveLength(2);
    expect(bySupplier(a).status).toBe("DRAFT");
    expect(
      bySupplier(a)
        .lines.map((l: any) => [l.product.id, l.quantity, l.unitPrice.amount])
        .sort(),
    ).toEqual(
      [
        [p1, "8", "1.00"],
        [p2, "50", "2.00"],
      ].sort(),
    );
    expect(bySupplier(b).lines.map((l: any) => [l.product.id, l.quantity])).toEqual([[p3, "20"]]);
    expect(first.skipped).toEqual([{ product: { id: orphan }, reason: "No preferred supplier" }]);

    const orders = await env.count("procurement.purchase_orders");
    const second = await run();
    expect(second.purchaseOrders).toEqual([]);
    expect(await env.count("procurement.purchase_orders")).toBe(orders);
  });

  it("drafts again for a product once its order is no longer open and stock is reported low again", async () => {
    const s = await env.supplier();
    const p = await env.product();
    await env.mutate("setSupplierPrice", "SetSupplierPriceInput", "errors { code }", {
      supplierId: s,
      productId: p,
      price: { amount: "1.00", currency: "EUR" },
      leadTimeDays: 1,
      preferred: true,
    });
    await env.deliver("inventory.stock.low", {
      productId: p,
      warehouseId: env.warehouseId,
      available: "0",
      reorderPoint: "3",
      reorderQuantity: null,
    });
    const run = () =>
      env.mutate(
        "draftPurchaseOrdersFromReorderPoints",
        "DraftPurchaseOrdersFromReorderPointsInput",
        DRAFT_FROM_REORDER,
        {},
      );
    const [order] = (await run()).purchaseOrders.filter((o: any) => o.supplier.id === s);
    await env.mutate("cancelPurchaseOrder", "CancelPurchaseOrderInput", ORDER, {
      purchaseOrderId: order.id,
      reason: "Wrong size",
    });
    const again = (await run()).purchaseOrders.filter((o: any) => o.supplier.id === s);
    expect(again).toHaveLength(1);
    expect(again[0].lines[0].quantity).toBe("3");
  });
});
