import { testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();
const orders: { id: string; number: string }[] = [];
const bills: { id: string; number: string }[] = [];

/** Ordered in this order: 10 units at these prices, so totals tie in pairs (10, 20, 10, 20); the last stays a draft. */
const PRICES = ["1.00", "2.00", "1.00", "2.00"];
/** Each approved order is received and billed in full, due this many days after the bill date (ties in pairs). */
const DUE_IN = [20, 10, 20, 10];

const day = (offset: number) => {
  const d = new Date(`${env.clock.today()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};

beforeAll(async () => {
  for (const [i, price] of PRICES.entries()) {
    const { order, supplierId } = await env.approvedOrder("10", price);
    orders.push(order);
    const line = order.lines[0].id;
    await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "10" }]);
    const { supplierBill, errors } = await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: `ORDO-${i}`,
      billDate: env.clock.today(),
      dueDate: day(DUE_IN[i]!),
      lines: [{ purchaseOrderLineId: line, quantity: "10", unitPrice: price }],
    });
    expect(errors).toEqual([]);
    bills.push(supplierBill);
  }
  const drafted = await env.draft(
    await env.supplier(),
    [{ productId: await env.product(), quantity: "10", unitPrice: "3.00" }],
    "buyer@erp.local",
  );
  orders.push(drafted.purchaseOrder);
});

const ORDER_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: PurchaseOrderOrder, $filter: PurchaseOrderFilter) {
  purchaseOrders(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const BILL_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: SupplierBillOrder, $filter: SupplierBillFilter) {
  supplierBills(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const order = (...i: number[]) => i.map((n) => orders[n]!.id);
const bill = (...i: number[]) => i.map((n) => bills[n]!.id);

describe(`the purchase order list's orders and filters on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false, filter: unknown = null) =>
    walkConnection(env.client, ORDER_LIST, "purchaseOrders", { size: 2, backward, variables: { orderBy, filter } });

  it("sorts by total both ways, ties by drafting in the same direction, the same rows forward and backward", async () => {
    const asc = order(0, 2, 1, 3, 4);
    expect((await walk({ key: "TOTAL", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walk({ key: "TOTAL", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = order(4, 3, 1, 2, 0);
    expect((await walk({ key: "TOTAL", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walk({ key: "TOTAL", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 1),
      desc.slice(1, 3),
      desc.slice(3),
    ]);
    expect((await walk(null)).flat()).toEqual(order(4, 3, 2, 1, 0));
  });

  it("narrows by a status set, a total range and the number, and counts the whole filtered list", async () => {
    const drafts = await env.client.request(ORDER_LIST, { first: 5, filter: { statuses: ["DRAFT", "REJECTED"] } });
    expect(drafts.data.purchaseOrders).toMatchObject({ nodes: [{ id: orders[4]!.id }], totalCount: 1 });
    const middling = await env.client.request(ORDER_LIST, {
      first: 1,
      filter: { totalMin: "15", totalMax: "25" },
      orderBy: { key: "NUMBER", direction: "DESC" },
    });
    expect(middling.data.purchaseOrders).toMatchObject({ nodes: [{ id: orders[3]!.id }], totalCount: 2 });
    const byNumber = await env.client.request(ORDER_LIST, { first: 5, filter: { search: orders[2]!.number } });
    expect(byNumber.data.purchaseOrders).toMatchObject({ nodes: [{ id: orders[2]!.id }], totalCount: 1 });
    const all = await env.client.request(ORDER_LIST, { first: 1 });
    expect(all.data.purchaseOrders.totalCount).toBe(5);
  });
});

describe(`the supplier bill list's orders and filters on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false, filter: unknown = null) =>
    walkConnection(env.client, BILL_LIST, "supplierBills", { size: 3, backward, variables: { orderBy, filter } });

  it("sorts by due date both ways, ties by recording in the same direction, the same rows forward and backward", async () => {
    const asc = bill(1, 3, 0, 2);
    expect((await walk({ key: "DUE_DATE", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walk({ key: "DUE_DATE", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = bill(2, 0, 3, 1);
    expect((await walk({ key: "DUE_DATE", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walk({ key: "DUE_DATE", direction: "DESC" }, true)).toEqual([desc.slice(0, 1), desc.slice(1)]);
  });

  it("narrows by a due-date range, a status set and the supplier's invoice number, and counts", async () => {
    const soon = await env.client.request(BILL_LIST, {
      first: 1,
      filter: { dueTo: day(15), statuses: ["MATCHED"] },
      orderBy: { key: "TOTAL", direction: "DESC" },
    });
    expect(soon.data.supplierBills).toMatchObject({ nodes: [{ id: bills[3]!.id }], totalCount: 2 });
    const held = await env.client.request(BILL_LIST, { first: 5, filter: { statuses: ["ON_HOLD"] } });
    expect(held.data.supplierBills).toMatchObject({ nodes: [], totalCount: 0 });
    const byReference = await env.client.request(BILL_LIST, { first: 5, filter: { search: "ordo-2" } });
    expect(byReference.data.supplierBills).toMatchObject({ nodes: [{ id: bills[2]!.id }], totalCount: 1 });
  });
});
