import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { ORDER, person, useProcurement } from "./harness.js";

const env = useProcurement();
const BUYER = "buyer@erp.local";

describe(`purchase orders: drafting, totals and the lifecycle on ${testDatabaseKind()}`, () => {
  it("drafts an order with exact totals at the currency's precision, requested by the caller", async () => {
    const [s, p1, p2] = [await env.supplier(), await env.product(), await env.product({ quantityPrecision: 3 })];
    const { purchaseOrder, errors } = await env.draft(
      s,
      [
        { productId: p1, quantity: "3", unitPrice: "33.3350" },
        { productId: p2, quantity: "0.125", unitPrice: "0.9999" },
      ],
      BUYER,
    );
    expect(errors).toEqual([]);
    // 3 × 33.335 = 100.005 → 100.00 (half-even); 0.125 × 0.9999 = 0.1249875 → 0.12
    expect(purchaseOrder.lines.map((l: any) => l.amount.amount)).toEqual(["100.00", "0.12"]);
    expect(purchaseOrder).toMatchObject({
      status: "DRAFT",
      requestedBy: BUYER,
      total: { amount: "100.12", currency: "EUR" },
    });
    expect(purchaseOrder.number).toMatch(/^PO-\d{6}$/);
  });

  it("prices a line from the supplier's valid price when no unit price is given", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    await env.mutate("setSupplierPrice", "SetSupplierPriceInput", "supplierPrice { id } errors { code }", {
      supplierId: s,
      productId: p,
      price: { amount: "2.50", currency: "EUR" },
      leadTimeDays: 5,
    });
    const { purchaseOrder } = await env.draft(s, [{ productId: p, quantity: "4" }]);
    expect(purchaseOrder.lines[0].unitPrice.amount).toBe("2.50");
    expect(purchaseOrder.total.amount).toBe("10.00");
  });

  it("approves on submission at or below the first threshold and announces it with no approvers", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder: drafted } = await env.draft(s, [{ productId: p, quantity: "100", unitPrice: "10" }], BUYER);
    const { purchaseOrder } = await env.submit(drafted.id, BUYER);
    expect(purchaseOrder).toMatchObject({ status: "APPROVED", requiredApprovals: 0, approvals: [] });
    const events = await env.outbox("procurement.purchase_order.approved");
    expect(events.find((e) => e.aggregate_id === drafted.id)?.payload).toMatchObject({
      purchaseOrderId: drafted.id,
      total: { amount: "1000.00", currency: "EUR" },
      approvedBy: [],
    });
  });

  it("needs one approver above the first threshold, and refuses the requester's own approval with nothing written", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder: drafted } = await env.draft(
      s,
      [{ productId: p, quantity: "1", unitPrice: "1000.01" }],
      BUYER,
    );
    const { purchaseOrder: pending } = await env.submit(drafted.id, BUYER);
    expect(pending).toMatchObject({ status: "PENDING_APPROVAL", requiredApprovals: 1 });
    const before = await env.snapshot();
    const self = await env.approve(drafted.id, BUYER);
    expect(self.errors).toEqual([expect.objectContaining({ code: "SELF_APPROVAL" })]);
    expect(await env.snapshot()).toEqual(before);
    const { purchaseOrder } = await env.approve(drafted.id, "manager@erp.local");
    expect(purchaseOrder.status).toBe("APPROVED");
    expect(purchaseOrder.approvals).toEqual([
      expect.objectContaining({ decision: "APPROVED", by: "manager@erp.local", comment: "ok" }),
    ]);
    const event = (await env.outbox("procurement.purchase_order.approved")).find((e) => e.aggregate_id === drafted.id);
    expect(event?.payload.approvedBy).toEqual(["manager@erp.local"]);
  });

  it("needs two different approvers above the second threshold, neither the requester; the same approver twice is refused", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder: drafted } = await env.draft(s, [{ productId: p, quantity: "2", unitPrice: "6000" }], BUYER);
    expect((await env.submit(drafted.id, BUYER)).purchaseOrder.requiredApprovals).toBe(2);
    const first = await env.approve(drafted.id, "first@erp.local");
    expect(first.purchaseOrder.status).toBe("PENDING_APPROVAL");
    const before = await env.snapshot();
    const twice = await env.approve(drafted.id, "first@erp.local");
    expect(twice.errors).toEqual([expect.objectContaining({ code: "ALREADY_APPROVED_BY_CALLER" })]);
    expect((await env.approve(drafted.id, BUYER)).errors).toEqual([expect.objectContaining({ code: "SELF_APPROVAL" })]);
    expect(await env.snapshot()).toEqual(before);
    const second = await env.approve(drafted.id, "second@erp.local");
    expect(second.purchaseOrder.status).toBe("APPROVED");
    expect(second.purchaseOrder.approvals.map((a: any) => a.by)).toEqual(["first@erp.local", "second@erp.local"]);
    const event = (await env.outbox("procurement.purchase_order.approved")).find((e) => e.aggregate_id === drafted.id);
    expect(event?.payload.approvedBy).toEqual(["first@erp.local", "second@erp.local"]);
  });

  it("records a rejection with who, when and why, and the order is REJECTED", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder: drafted } = await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "5000" }], BUYER);
    await env.submit(drafted.id, BUYER);
    const { purchaseOrder } = await env.mutate(
      "rejectPurchaseOrder",
      "RejectPurchaseOrderInput",
      ORDER,
      { purchaseOrderId: drafted.id, comment: "Too expensive" },
      "manager@erp.local",
    );
    expect(purchaseOrder.status).toBe("REJECTED");
    expect(purchaseOrder.approvals).toEqual([
      expect.objectContaining({ decision: "REJECTED", by: "manager@erp.local", comment: "Too expensive" }),
    ]);
  });

  it("revises only a DRAFT, checks the version, and cancels only before any receipt", async () => {
    const { order, productId } = await env.approvedOrder("10", "5.00");
    const revise = await env.mutate("revisePurchaseOrder", "RevisePurchaseOrderInput", ORDER, {
      purchaseOrderId: order.id,
      expectedVersion: order.version,
      lines: [{ productId, quantity: "1", unitPrice: "1" }],
    });
    expect(revise.errors).toEqual([expect.objectContaining({ code: "INVALID_STATE_TRANSITION" })]);
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "4" }]);
    const cancel = await env.mutate("cancelPurchaseOrder", "CancelPurchaseOrderInput", ORDER, {
      purchaseOrderId: order.id,
      reason: "No longer needed",
    });
    expect(cancel.errors).toEqual([
      expect.objectContaining({
        code: "INVALID_STATE_TRANSITION",
        message: expect.stringMatching(/PARTIALLY_RECEIVED to CANCELLED/),
      }),
    ]);
    const closed = await env.mutate("closePurchaseOrderShort", "ClosePurchaseOrderShortInput", ORDER, {
      purchaseOrderId: order.id,
      reason: "Supplier discontinued it",
    });
    expect(closed.purchaseOrder.status).toBe("CLOSED");

    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder: draft } = await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "1" }]);
    const stale = await env.mutate("revisePurchaseOrder", "RevisePurchaseOrderInput", ORDER, {
      purchaseOrderId: draft.id,
      expectedVersion: draft.version + 1,
      notes: "x",
    });
    expect(stale.errors).toEqual([expect.objectContaining({ code: "VERSION_CONFLICT" })]);
    const revised = await env.mutate("revisePurchaseOrder", "RevisePurchaseOrderInput", ORDER, {
      purchaseOrderId: draft.id,
      expectedVersion: draft.version,
      lines: [{ productId: p, quantity: "7", unitPrice: "1.50" }],
    });
    expect(revised.purchaseOrder).toMatchObject({ total: { amount: "10.50" }, version: draft.version + 1 });
    const cancelled = await env.mutate("cancelPurchaseOrder", "CancelPurchaseOrderInput", ORDER, {
      purchaseOrderId: draft.id,
      reason: "Duplicate",
    });
    expect(cancelled.purchaseOrder.status).toBe("CANCELLED");
  });

  it("refuses a blocked supplier, an unknown product, a service and a negative price with nothing written", async () => {
    const [s, p, service] = [await env.supplier(), await env.product(), await env.product({ type: "SERVICE" })];
    const before = await env.snapshot();
    expect(
      (await env.draft(s, [{ productId: "00000000-0000-4000-8000-000000000000", quantity: "1", unitPrice: "1" }]))
        .errors,
    ).toEqual([expect.objectContaining({ code: "PRODUCT_NOT_FOUND", field: ["lines", "0", "productId"] })]);
    expect((await env.draft(s, [{ productId: service, quantity: "1", unitPrice: "1" }])).errors).toEqual([
      expect.objectContaining({ code: "PRODUCT_NOT_PURCHASABLE" }),
    ]);
    expect((await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "-1" }])).errors).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["lines", "0", "unitPrice"] }),
    ]);
    expect(
      (await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "1" }], undefined, { currency: "USD" })).errors,
    ).toEqual([expect.objectContaining({ code: "CURRENCY_MISMATCH" })]);
    expect(await env.snapshot()).toEqual(before);
    await env.mutate("blockSupplier", "BlockSupplierInput", "supplier { status } errors { code }", {
      supplierId: s,
      reason: "Late deliveries",
    });
    const blocked = await env.snapshot();
    expect((await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "1" }])).errors).toEqual([
      expect.objectContaining({ code: "SUPPLIER_BLOCKED" }),
    ]);
    expect(await env.snapshot()).toEqual(blocked);
  });

  it("returns the first payload for a retried draft and drafts nothing more", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const input = { idempotencyKey: newKey(), supplierId: s, lines: [{ productId: p, quantity: "1", unitPrice: "1" }] };
    const run = () =>
      env
        .as(person(BUYER))
        .request(`mutation($i: DraftPurchaseOrderInput!) { draftPurchaseOrder(input: $i) { ${ORDER} } }`, {
          i: input,
        });
    const first = await run();
    const count = await env.count("procurement.purchase_orders");
    const again = await run();
    expect(again.data).toEqual(first.data);
    expect(await env.count("procurement.purchase_orders")).toBe(count);
    const reused = await env
      .as(person(BUYER))
      .request(`mutation($i: DraftPurchaseOrderInput!) { draftPurchaseOrder(input: $i) { ${ORDER} } }`, {
        i: { ...input, lines: [{ productId: p, quantity: "2", unitPrice: "1" }] },
      });
    expect(reused.data.draftPurchaseOrder.errors).toEqual([
      expect.objectContaining({ code: "IDEMPOTENCY_KEY_REUSED" }),
    ]);
  });
});
