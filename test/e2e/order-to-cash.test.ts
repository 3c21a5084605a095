import { type GraphQLClient, newKey, schemaRowCounts, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, type RunningErp, startSingleProcess } from "../src/harness.js";

let erp: RunningErp;
let client: GraphQLClient;

beforeAll(async () => {
  erp = await startSingleProcess();
  client = await clientOf(erp);
});
afterAll(() => erp?.stop());

async function data(query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

async function setup(onHand: string) {
  const customer = (
    await data(
      `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: "Order Test AG" }) { customer { id } } }`,
      { k: newKey() },
    )
  ).registerCustomer.customer;
  const warehouse = (
    await data(
      `mutation($k: String!, $c: String!) { openWarehouse(input: { idempotencyKey: $k, code: $c, name: "Main" }) { warehouse { id } } }`,
      { k: newKey(), c: newKey("W").slice(0, 20) },
    )
  ).openWarehouse.warehouse;
  const product = (
    await data(
      `mutation($k: String!, $s: String!) { registerProduct(input: { idempotencyKey: $k, sku: $s, name: "Chair", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "40.00", currency: "EUR" }, listPrice: { amount: "99.99", currency: "EUR" } }) { product { id sku } } }`,
      { k: newKey(), s: newKey("SKU").slice(0, 40) },
    )
  ).registerProduct.product;
  await data(
    `mutation($k: String!, $p: ID!, $w: ID!, $q: Decimal!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: $q, unitCost: { amount: "40.00", currency: "EUR" } }) { errors { code } } }`,
    { k: newKey(), p: product.id, w: warehouse.id, q: onHand },
  );
  await erp.settle();
  return { customerId: customer.id, warehouseId: warehouse.id, productId: product.id, sku: product.sku };
}

/**
 * Rows in every table of every domain (orders, lines, outboxes, idempotency keys, audit,
 * stock, ledger): a refused action must leave each count as it was, here and downstream.
 */
async function everyRow(): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const domain of ["crm", "inventory", "sales", "finance", "procurement", "hr"])
    await erp.withSubgraphDatabase(domain, async (db) => {
      counts[domain] = await schemaRowCounts(db, domain);
    });
  return counts;
}

const ORDER = `id number status statusReason availableActions lines { id quantity shippedQuantity unitPrice { amount } netAmount { amount } taxAmount { amount } product { sku totalAvailable reservedForOrders } } subtotal { amount } taxTotal { amount } total { amount currency } customer { id name } shipments { number lines { quantity } }`;

const place = (s: Awaited<ReturnType<typeof setup>>, quantity: string, customerId = s.customerId) =>
  client.request(
    `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { ${ORDER} } errors { code field message } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        customerId,
        warehouseId: s.warehouseId,
        currency: "EUR",
        lines: [{ productId: s.productId, quantity, discountPercent: "10" }],
      },
    },
  );
const confirm = (id: string) =>
  client.request(
    `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status } errors { code message } } }`,
    { i: { idempotencyKey: newKey(), salesOrderId: id } },
  );
const ship = (id: string, lineId: string, quantity: string) =>
  client.request(
    `mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { shipment { number } salesOrder { status } errors { code field message } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        salesOrderId: id,
        lines: [{ orderLineId: lineId, quantity }],
        carrierReference: "DHL-1",
      },
    },
  );
const order = async (id: string) =>
  (await data(`query($id: ID!) { salesOrder(id: $id) { ${ORDER} } }`, { id })).salesOrder;
const stock = async (productId: string) =>
  (await data(`query($p: ID) { stockLevels(productId: $p) { onHand reserved available } }`, { p: productId }))
    .stockLevels[0];

describe(`order to cash across CRM, inventory and sales on ${testDatabaseKind()}`, () => {
  it("places, confirms (stock reserved), ships part then the rest (stock issued)", async () => {
    const s = await setup("10");
    const placed = await place(s, "4");
    const draft = placed.data.placeSalesOrder.salesOrder;
    // 4 × 99.99 × 0.9 = 359.964 → 359.96; tax 19 % = 68.3924 → 68.39
    expect(draft).toMatchObject({
      status: "DRAFT",
      subtotal: { amount: "359.96" },
      taxTotal: { amount: "68.39" },
      total: { amount: "428.35", currency: "EUR" },
      availableActions: ["CONFIRM", "CANCEL"],
    });
    expect(draft.customer).toEqual({ id: s.customerId, name: "Order Test AG" });

    expect((await confirm(draft.id)).data.confirmSalesOrder.salesOrder.status).toBe("PENDING_CONFIRMATION");
    await erp.settle();
    const confirmed = await order(draft.id);
    expect(confirmed.status).toBe("CONFIRMED");
    expect(confirmed.lines[0].product).toMatchObject({ totalAvailable: "6", reservedForOrders: "4" });
    expect(await stock(s.productId)).toEqual({ onHand: "10", reserved: "4", available: "6" });

    const lineId = confirmed.lines[0].id;
    expect((await ship(draft.id, lineId, "1")).data.shipSalesOrder.salesOrder.status).toBe("PARTIALLY_SHIPPED");
    await erp.settle();
    expect(await stock(s.productId)).toEqual({ onHand: "9", reserved: "3", available: "6" });

    expect((await ship(draft.id, lineId, "3")).data.shipSalesOrder.salesOrder.status).toBe("SHIPPED");
    await erp.settle();
    expect(await stock(s.productId)).toEqual({ onHand: "6", reserved: "0", available: "6" });
    const shipped = await order(draft.id);
    expect(shipped).toMatchObject({ status: "SHIPPED", availableActions: [], lines: [{ shippedQuantity: "4" }] });
    expect(shipped.shipments.map((x: any) => x.lines[0].quantity)).toEqual(["1", "3"]);
    const movements = await data(
      `query($p: ID) { stockMovements(filter: { productId: $p }) { nodes { id kind quantity source { type } } } }`,
      { p: s.productId },
    );
    const issues = movements.stockMovements.nodes.filter((m: any) => m.kind === "ISSUE");
    expect(issues.map((m: any) => [m.quantity, m.source.type])).toEqual([
      ["-3", "SalesShipment"],
      ["-1", "SalesShipment"],
    ]);
    // Each shipment's issue is cost of goods sold at the average cost (40.00): Dr 5000 / Cr 1200.
    const { journalEntries } = await data(
      `{ journalEntries(first: 100) { nodes { source { type id } lines { account { code } debit { amount } credit { amount } } } } }`,
    );
    const posted = (id: string) =>
      journalEntries.nodes
        .filter((e: any) => e.source?.type === "StockMovement" && e.source.id === id)
        .map((e: any) => e.lines.map((l: any) => [l.account.code, l.debit.amount, l.credit.amount]).sort());
    expect(issues.map((m: any) => posted(m.id))).toEqual([
      [
        [
          ["1200", "0.00", "120.00"],
          ["5000", "120.00", "0.00"],
        ],
      ],
      [
        [
          ["1200", "0.00", "40.00"],
          ["5000", "40.00", "0.00"],
        ],
      ],
    ]);
  });

  it("cancelling a confirmed order releases its stock", async () => {
    const s = await setup("5");
    const id = (await place(s, "5")).data.placeSalesOrder.salesOrder.id;
    await confirm(id);
    await erp.settle();
    expect(await stock(s.productId)).toMatchObject({ available: "0" });
    const cancelled = await client.request(
      `mutation($i: CancelSalesOrderInput!) { cancelSalesOrder(input: $i) { salesOrder { status statusReason } errors { code } } }`,
      {
        i: { idempotencyKey: newKey(), salesOrderId: id, reason: "Customer changed their mind" },
      },
    );
    expect(cancelled.data.cancelSalesOrder.salesOrder).toEqual({
      status: "CANCELLED",
      statusReason: "Customer changed their mind",
    });
    await erp.settle();
    expect(await stock(s.productId)).toEqual({ onHand: "5", reserved: "0", available: "5" });
    const shipCancelled = await ship(id, (await order(id)).lines[0].id, "1");
    expect(shipCancelled.data.shipSalesOrder.errors[0]).toMatchObject({
      code: "INVALID_STATE_TRANSITION",
      message: "Sales order cannot move from CANCELLED to SHIPPED",
    });
  });

  it("closing a partly shipped order short releases the stock reserved for the rest, and its credit hold", async () => {
    const s = await setup("10");
    const id = (await place(s, "6")).data.placeSalesOrder.salesOrder.id;
    await confirm(id);
    await erp.settle();
    const lineId = (await order(id)).lines[0].id;
    await ship(id, lineId, "2");
    // Closed at once: the shipment's issue and the close's release may reach inventory in either order.
    const closed = await client.request(
      `mutation($i: CloseSalesOrderShortInput!) { closeSalesOrderShort(input: $i) { salesOrder { status availableActions } errors { code } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id, reason: "Rest back-ordered elsewhere" } },
    );
    expect(closed.data.closeSalesOrderShort).toEqual({
      salesOrder: { status: "CLOSED", availableActions: [] },
      errors: [],
    });
    await erp.settle();
    expect(await stock(s.productId)).toEqual({ onHand: "8", reserved: "0", available: "8" });
    let held = -1;
    await erp.withSubgraphDatabase("finance", async (db) => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from finance.credit_holds where order_id = ${id} and status = 'HELD'`.execute(db);
      held = rows[0]!.n;
    });
    expect(held).toBe(0);
  });

  it("a big stock adjustment requested by one person is approved by another through the gateway, never by the requester", async () => {
    const s = await setup("100");
    const [clerk, manager] = [await clientOf(erp, "clerk@erp.local"), await clientOf(erp, "manager@erp.local")];
    const requested = await clerk.request(
      `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { adjustment { id status requestedBy } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          productId: s.productId,
          warehouseId: s.warehouseId,
          delta: "-60",
          reasonCode: "LOST",
        },
      },
    );
    const adjustment = requested.data.adjustStock.adjustment;
    expect(adjustment).toMatchObject({ status: "PENDING_APPROVAL", requestedBy: "clerk@erp.local" });
    const approve = (who: GraphQLClient) =>
      who.request(
        `mutation($i: ApproveStockAdjustmentInput!) { approveStockAdjustment(input: $i) { adjustment { status decidedBy } errors { code } } }`,
        { i: { idempotencyKey: newKey(), adjustmentId: adjustment.id } },
      );
    expect((await approve(clerk)).data.approveStockAdjustment.errors).toEqual([{ code: "APPROVER_IS_REQUESTER" }]);
    expect((await approve(manager)).data.approveStockAdjustment).toEqual({
      adjustment: { status: "APPLIED", decidedBy: "manager@erp.local" },
      errors: [],
    });
    expect(await stock(s.productId)).toEqual({ onHand: "40", reserved: "0", available: "40" });
  });

  it("rejects an order inventory cannot reserve, saying why", async () => {
    const s = await setup("2");
    const id = (await place(s, "3")).data.placeSalesOrder.salesOrder.id;
    await confirm(id);
    await erp.settle();
    const rejected = await order(id);
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.statusReason).toBe(`Only 2 of ${s.sku} available, 3 requested`);
    expect(await stock(s.productId)).toEqual({ onHand: "2", reserved: "0", available: "2" });
  });

  it("20 customers ordering the last 5 units at once: exactly 5 units reserved, no order confirmed without its stock", async () => {
    const s = await setup("5");
    const customers = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          (
            await data(
              `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: "Rush Ltd" }) { customer { id } } }`,
              { k: newKey() },
            )
          ).registerCustomer.customer.id,
      ),
    );
    await erp.settle();
    const ids = await Promise.all(
      customers.map(async (c) => (await place(s, "1", c)).data.placeSalesOrder.salesOrder.id),
    );
    await Promise.all(ids.map((id) => confirm(id)));
    await erp.settle();
    const statuses = await Promise.all(ids.map(async (id) => (await order(id)).status));
    expect(statuses.filter((x) => x === "CONFIRMED")).toHaveLength(5);
    expect(statuses.filter((x) => x === "REJECTED")).toHaveLength(15);
    expect(await stock(s.productId)).toEqual({ onHand: "5", reserved: "5", available: "0" });
  });

  it("refuses a blocked customer, an unknown product, an over-shipment, and writes nothing", async () => {
    const s = await setup("3");
    await data(`mutation($i: BlockCustomerInput!) { blockCustomer(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), customerId: s.customerId, reason: "Unpaid" },
    });
    await erp.settle();
    const beforeBlocked = await everyRow();
    expect((await place(s, "1")).data.placeSalesOrder.errors[0]).toMatchObject({
      code: "CUSTOMER_BLOCKED",
      field: ["customerId"],
    });
    await erp.settle();
    expect(await everyRow()).toEqual(beforeBlocked);
    await data(`mutation($i: UnblockCustomerInput!) { unblockCustomer(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), customerId: s.customerId },
    });
    await erp.settle();
    const beforeUnknown = await everyRow();
    const unknown = await place({ ...s, productId: "00000000-0000-4000-8000-000000000000" }, "1");
    expect(unknown.data.placeSalesOrder.errors[0]).toMatchObject({
      code: "PRODUCT_NOT_FOUND",
      field: ["lines", "0", "productId"],
    });
    await erp.settle();
    expect(await everyRow()).toEqual(beforeUnknown);
    const id = (await place(s, "2")).data.placeSalesOrder.salesOrder.id;
    await confirm(id);
    await erp.settle();
    const lineId = (await order(id)).lines[0].id;
    const over = await ship(id, lineId, "3");
    expect(over.data.shipSalesOrder.errors[0]).toMatchObject({
      code: "OVER_SHIPMENT",
      field: ["lines", "0", "quantity"],
    });
    const after = await order(id);
    expect(after).toMatchObject({ status: "CONFIRMED", shipments: [], lines: [{ shippedQuantity: "0" }] });
  });
});
