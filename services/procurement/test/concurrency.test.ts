import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();

describe(`procurement under concurrent requests on ${testDatabaseKind()}`, () => {
  it("lets only one of two simultaneous receipts through when together they exceed the order", async () => {
    const { order } = await env.approvedOrder("10", "1.00");
    const receive = () => env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "6" }]);
    const results = await Promise.all([receive(), receive()]);
    expect(results.map((r) => r.errors.map((e: any) => e.code)).sort()).toEqual([[], ["OVER_RECEIPT"]]);
    const { data } = await env.client.request(
      `query($id: ID!) { purchaseOrder(id: $id) { lines { receivedQuantity } } }`,
      {
        id: order.id,
      },
    );
    expect(data.purchaseOrder.lines[0].receivedQuantity).toBe("6");
    expect(await env.count("procurement.goods_receipts", `purchase_order_id = '${order.id}'`)).toBe(1);
  });

  it("approves once when two approvers decide at the same time on an order needing one", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder } = await env.draft(
      s,
      [{ productId: p, quantity: "1", unitPrice: "5000" }],
      "buyer@erp.local",
    );
    await env.submit(purchaseOrder.id, "buyer@erp.local");
    const results = await Promise.all([
      env.approve(purchaseOrder.id, "a@erp.local"),
      env.approve(purchaseOrder.id, "b@erp.local"),
    ]);
    expect(results.map((r) => r.errors.map((e: any) => e.code)).sort()).toEqual([[], ["INVALID_STATE_TRANSITION"]]);
    const approved = (await env.outbox("procurement.purchase_order.approved")).filter(
      (e) => e.aggregate_id === purchaseOrder.id,
    );
    expect(approved).toHaveLength(1);
  });
});
