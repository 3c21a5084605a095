import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();
const BUYER = "reader-buyer@erp.local";

describe(`reading procurement across the graph on ${testDatabaseKind()}`, () => {
  it("resolves PurchaseOrder and Supplier references, with the requester and approvers as HR employees by subject", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const { purchaseOrder } = await env.draft(s, [{ productId: p, quantity: "1", unitPrice: "2000" }], BUYER);
    await env.submit(purchaseOrder.id, BUYER);
    await env.approve(purchaseOrder.id, "approver@erp.local");
    const { data, errors } = await env.client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on PurchaseOrder { number status requester { userSubject } approvals { by person { userSubject } } supplier { id } }
        ... on Supplier { id name } } }`,
      {
        r: [
          { __typename: "PurchaseOrder", id: purchaseOrder.id },
          { __typename: "Supplier", id: s },
        ],
      },
    );
    expect(errors).toBeUndefined();
    expect(data._entities).toEqual([
      {
        number: purchaseOrder.number,
        status: "APPROVED",
        requester: { userSubject: BUYER },
        approvals: [{ by: "approver@erp.local", person: { userSubject: "approver@erp.local" } }],
        supplier: { id: s },
      },
      { id: s, name: "Schrauben AG" },
    ]);
  });

  it("filters purchase orders, receipts and bills as connections and pages through them", async () => {
    const { order, supplierId } = await env.approvedOrder("4", "1.00");
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "2" }]);
    await env.receive(order.id, [{ purchaseOrderLineId: order.lines[0].id, quantity: "2" }]);
    await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "Q-1",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "4", unitPrice: "1.00" }],
    });
    const { data } = await env.client.request(
      `query($s: ID!, $o: ID!) {
        purchaseOrders(filter: { supplierId: $s }) { nodes { id status } }
        firstPage: goodsReceipts(first: 1, filter: { purchaseOrderId: $o }) { nodes { number } pageInfo { hasNextPage endCursor } }
        supplierBills(filter: { purchaseOrderId: $o, status: MATCHED }) { nodes { supplierInvoiceNumber supplier { id } } }
        closed: purchaseOrders(filter: { status: CLOSED, requestedBy: "buyer@erp.local" }) { nodes { id } }
      }`,
      { s: supplierId, o: order.id },
    );
    expect(data.purchaseOrders.nodes).toEqual([{ id: order.id, status: "CLOSED" }]);
    expect(data.firstPage.pageInfo.hasNextPage).toBe(true);
    expect(data.supplierBills.nodes).toEqual([{ supplierInvoiceNumber: "Q-1", supplier: { id: supplierId } }]);
    expect(data.closed.nodes).toContainEqual({ id: order.id });
    const next = await env.client.request(
      `query($o: ID!, $after: String) { goodsReceipts(first: 1, after: $after, filter: { purchaseOrderId: $o }) { nodes { number } pageInfo { hasNextPage } } }`,
      { o: order.id, after: data.firstPage.pageInfo.endCursor },
    );
    expect(next.data.goodsReceipts.pageInfo.hasNextPage).toBe(false);
    expect(next.data.goodsReceipts.nodes[0].number).not.toBe(data.firstPage.nodes[0].number);
  });

  it("refuses a malformed id in a filter as bad input, never a database error", async () => {
    const { errors } = await env.client.request(`{ purchaseOrders(filter: { supplierId: "nope" }) { nodes { id } } }`);
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
