import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { BILL, ORDER, useProcurement } from "./harness.js";

const env = useProcurement();
const CLERK = "clerk@erp.local";

describe(`goods receipts and supplier bills on ${testDatabaseKind()}`, () => {
  it("receives in parts, announces each receipt at the PO price, and the order becomes RECEIVED", async () => {
    const { order, productId, supplierId } = await env.approvedOrder("10", "2.345");
    const line = order.lines[0].id;
    const part = await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "4" }]);
    expect(part.purchaseOrder).toMatchObject({ status: "PARTIALLY_RECEIVED", lines: [{ receivedQuantity: "4" }] });
    // 4 × 2.345 = 9.38
    expect(part.goodsReceipt.lines).toEqual([{ quantity: "4", value: { amount: "9.38" } }]);
    expect(part.goodsReceipt.number).toMatch(/^GR-\d{6}$/);
    const rest = await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "6" }]);
    expect(rest.purchaseOrder.status).toBe("RECEIVED");
    const events = (await env.outbox("procurement.goods.received")).filter(
      (e) => e.payload.purchaseOrderId === order.id,
    );
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        receiptId: part.goodsReceipt.id,
        supplierId,
        warehouseId: env.warehouseId,
        lines: [expect.objectContaining({ productId, quantity: "4", unitCost: { amount: "2.345", currency: "EUR" } })],
      }),
      expect.objectContaining({ receiptId: rest.goodsReceipt.id }),
    ]);
  });

  it("follows a receipt to its warehouse and its lines (and a bill's) to the purchase order lines", async () => {
    const { order, supplierId } = await env.approvedOrder("10", "1.00");
    const line = order.lines[0].id;
    const { goodsReceipt } = await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "4" }]);
    await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "REF-1",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: line, quantity: "4", unitPrice: "1.00" }],
    });
    const { data, errors } = await env.client.request(
      `query($o: ID!, $r: _Any!) {
        goodsReceipts(filter: { purchaseOrderId: $o }) { nodes { warehouse { id } lines { purchaseOrderLine { id lineNumber receivedQuantity } } } }
        supplierBills(filter: { purchaseOrderId: $o }) { nodes { lines { purchaseOrderLine { id billedQuantity } } } }
        _entities(representations: [$r]) { ... on GoodsReceipt { number } }
      }`,
      { o: order.id, r: { __typename: "GoodsReceipt", id: goodsReceipt.id } },
    );
    expect(errors).toBeUndefined();
    expect(data.goodsReceipts.nodes).toEqual([
      {
        warehouse: { id: env.warehouseId },
        lines: [{ purchaseOrderLine: { id: line, lineNumber: 1, receivedQuantity: "4" } }],
      },
    ]);
    expect(data.supplierBills.nodes).toEqual([{ lines: [{ purchaseOrderLine: { id: line, billedQuantity: "4" } }] }]);
    expect(data._entities).toEqual([{ number: goodsReceipt.number }]);
  });

  it("refuses an over-receipt beyond the tolerance, and a receipt into an unknown warehouse, with nothing written", async () => {
    const { order } = await env.approvedOrder("10", "1.00");
    const before = await env.snapshot();
    const over = await env.mutate("receiveGoods", "ReceiveGoodsInput", "errors { code field }", {
      purchaseOrderId: order.id,
      warehouseId: env.warehouseId,
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "11" }],
    });
    expect(over.errors).toEqual([{ code: "OVER_RECEIPT", field: ["lines", "0", "quantity"] }]);
    const nowhere = await env.mutate("receiveGoods", "ReceiveGoodsInput", "errors { code field }", {
      purchaseOrderId: order.id,
      warehouseId: "00000000-0000-4000-8000-000000000000",
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "1" }],
    });
    expect(nowhere.errors).toEqual([{ code: "WAREHOUSE_NOT_FOUND", field: ["warehouseId"] }]);
    expect(await env.snapshot()).toEqual(before);
  });

  it("accepts a receipt within the configured tolerance", async () => {
    process.env.PROCUREMENT_RECEIPT_TOLERANCE_PERCENT = "10";
    try {
      const { order } = await env.approvedOrder("10", "1.00");
      const { purchaseOrder, errors } = await env.receive(order.id, [
        { purchaseOrderLineId: order.lines[0].id, quantity: "11" },
      ]);
      expect(errors).toEqual([]);
      expect(purchaseOrder.status).toBe("RECEIVED");
    } finally {
      delete process.env.PROCUREMENT_RECEIPT_TOLERANCE_PERCENT;
    }
  });

  it("matches a bill within received quantity and price tolerance, announcing the payable with its price variance", async () => {
    const { order, supplierId } = await env.approvedOrder("10", "5.00");
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "10" }]);
    const { supplierBill, errors } = await env.bill(
      {
        supplierId,
        purchaseOrderId: order.id,
        supplierInvoiceNumber: "INV-1",
        billDate: env.clock.today(),
        lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "10", unitPrice: "5.10" }],
      },
      CLERK,
    );
    expect(errors).toEqual([]);
    expect(supplierBill).toMatchObject({
      status: "MATCHED",
      total: { amount: "51.00" },
      receivedValue: { amount: "50.00" },
      priceVariance: { amount: "1.00" },
      holdReasons: [],
    });
    const event = (await env.outbox("procurement.supplier_bill.matched")).find(
      (e) => e.aggregate_id === supplierBill.id,
    );
    expect(event?.payload).toMatchObject({
      total: { amount: "51.00", currency: "EUR" },
      receivedValue: { amount: "50.00" },
      priceVariance: { amount: "1.00" },
      releasedBy: null,
    });
    const { data } = await env.client.request(
      `query($id: ID!) { purchaseOrder(id: $id) { status lines { billedQuantity } } }`,
      {
        id: order.id,
      },
    );
    expect(data.purchaseOrder).toEqual({ status: "CLOSED", lines: [{ billedQuantity: "10" }] });
  });

  it("holds a bill above the received quantity and outside the price tolerance, with each reason, and emits nothing", async () => {
    const { order, supplierId } = await env.approvedOrder("10", "5.00");
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "4" }]);
    const matchedBefore = (await env.outbox("procurement.supplier_bill.matched")).length;
    const { supplierBill } = await env.bill(
      {
        supplierId,
        purchaseOrderId: order.id,
        supplierInvoiceNumber: "INV-HOLD",
        billDate: env.clock.today(),
        lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "5", unitPrice: "5.20" }],
      },
      CLERK,
    );
    expect(supplierBill.status).toBe("ON_HOLD");
    expect(supplierBill.holdReasons).toEqual([
      expect.objectContaining({ code: "QUANTITY_ABOVE_RECEIVED", lineNumber: 1 }),
      expect.objectContaining({ code: "PRICE_OUTSIDE_TOLERANCE", lineNumber: 1 }),
    ]);
    expect((await env.outbox("procurement.supplier_bill.matched")).length).toBe(matchedBefore);

    const before = await env.snapshot();
    const self = await env.mutate(
      "releaseBillHold",
      "ReleaseBillHoldInput",
      BILL,
      { supplierBillId: supplierBill.id },
      CLERK,
    );
    expect(self.errors).toEqual([expect.objectContaining({ code: "SELF_APPROVAL" })]);
    expect(await env.snapshot()).toEqual(before);
    const released = await env.mutate(
      "releaseBillHold",
      "ReleaseBillHoldInput",
      BILL,
      { supplierBillId: supplierBill.id, comment: "Agreed by phone" },
      "manager@erp.local",
    );
    expect(released.supplierBill).toMatchObject({ status: "MATCHED", releasedBy: "manager@erp.local" });
    const event = (await env.outbox("procurement.supplier_bill.matched")).find(
      (e) => e.aggregate_id === supplierBill.id,
    );
    expect(event?.payload).toMatchObject({ releasedBy: "manager@erp.local", receivedValue: { amount: "25.00" } });
    const again = await env.mutate(
      "releaseBillHold",
      "ReleaseBillHoldInput",
      BILL,
      { supplierBillId: supplierBill.id },
      "other@erp.local",
    );
    expect(again.errors).toEqual([expect.objectContaining({ code: "BILL_NOT_ON_HOLD" })]);
  });

  it("counts earlier bills when matching quantities, and refuses a duplicate supplier invoice number with nothing written", async () => {
    const { order, supplierId } = await env.approvedOrder("10", "5.00");
    const line = order.lines[0].id;
    await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "6" }]);
    const bill = (n: string, quantity: string) =>
      env.bill({
        supplierId,
        purchaseOrderId: order.id,
        supplierInvoiceNumber: n,
        billDate: env.clock.today(),
        lines: [{ purchaseOrderLineId: line, quantity, unitPrice: "5.00" }],
      });
    expect((await bill("A-1", "4")).supplierBill.status).toBe("MATCHED");
    expect((await bill("A-2", "3")).supplierBill.holdReasons).toEqual([
      expect.objectContaining({ code: "QUANTITY_ABOVE_RECEIVED" }),
    ]);
    const before = await env.snapshot();
    expect((await bill("A-1", "1")).errors).toEqual([
      expect.objectContaining({ code: "DUPLICATE_SUPPLIER_INVOICE", field: ["supplierInvoiceNumber"] }),
    ]);
    expect(await env.snapshot()).toEqual(before);
  });

  it("defaults the due date to the bill date plus the supplier's terms, and shows finance's payments up to PAID", async () => {
    const { order, supplierId } = await env.approvedOrder("2", "50.00");
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "2" }]);
    const { supplierBill } = await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "P-1",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "2", unitPrice: "50.00" }],
    });
    const due = new Date(Date.parse(`${env.clock.today()}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(supplierBill.dueDate).toBe(due);
    const payment = (amount: string, outstanding: string) => ({
      supplierPaymentId: crypto.randomUUID(),
      billId: supplierBill.id,
      supplierId,
      amount: { amount, currency: "EUR" },
      billOutstanding: { amount: outstanding, currency: "EUR" },
    });
    const status = async () =>
      (
        await env.client.request(
          `query($s: ID!) { supplierBills(filter: { supplierId: $s }) { nodes { status paidAmount { amount } } } }`,
          {
            s: supplierId,
          },
        )
      ).data.supplierBills.nodes[0];
    await env.deliver("finance.supplier_payment.recorded", payment("40.00", "60.00"));
    expect(await status()).toEqual({ status: "MATCHED", paidAmount: { amount: "40.00" } });
    await env.deliver("finance.supplier_payment.recorded", payment("60.00", "0.00"));
    expect(await status()).toEqual({ status: "PAID", paidAmount: { amount: "100.00" } });
  });

  it("returns the first payload for a retried receipt and receives nothing more", async () => {
    const { order } = await env.approvedOrder("10", "1.00");
    const input = {
      idempotencyKey: newKey(),
      purchaseOrderId: order.id,
      warehouseId: env.warehouseId,
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "3" }],
    };
    const run = () =>
      env.client.request(
        `mutation($i: ReceiveGoodsInput!) { receiveGoods(input: $i) { goodsReceipt { id } ${ORDER} } }`,
        {
          i: input,
        },
      );
    const first = await run();
    const events = (await env.outbox("procurement.goods.received")).length;
    expect(await run()).toEqual(first);
    expect((await env.outbox("procurement.goods.received")).length).toBe(events);
    expect(first.data.receiveGoods.purchaseOrder.lines[0].receivedQuantity).toBe("3");
  });
});
