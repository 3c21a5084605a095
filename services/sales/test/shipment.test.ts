import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { snapshot, useSales } from "./harness.js";

const env = useSales();

/** An order of 3 chairs that both legs of the saga agreed to: stock reserved, credit approved. */
async function confirmedOrder() {
  const [c, p] = [await env.customer(), await env.product()];
  const id = (await env.place(c, [{ productId: p, quantity: "3" }])).data.placeSalesOrder.salesOrder.id;
  await env.client.request(
    `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`,
    {
      i: { idempotencyKey: newKey(), salesOrderId: id },
    },
  );
  const reservationId = randomUUID();
  const reference = { type: "SalesOrder", id };
  await env.deliver("inventory.stock.reserved", {
    reference,
    reservations: [{ id: reservationId, productId: p, warehouseId: env.warehouseId, quantity: "3" }],
  });
  await env.deliver("finance.credit.approved", { reference, amount: { amount: "356.96", currency: "EUR" } });
  const order = (await env.client.request(`query($id: ID!) { salesOrder(id: $id) { status lines { id } } }`, { id }))
    .data.salesOrder;
  expect(order.status).toBe("CONFIRMED");
  return { id, lineId: order.lines[0].id as string, reservationId };
}

const ship = (salesOrderId: string, orderLineId: string, quantity: string) =>
  env.client.request(
    `mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { shipment { number carrierReference lines { quantity } } salesOrder { status availableActions lines { shippedQuantity } } errors { code field } } }`,
    { i: { idempotencyKey: newKey(), salesOrderId, lines: [{ orderLineId, quantity }], carrierReference: "DHL-7" } },
  );

describe(`shipments of sales orders on ${testDatabaseKind()}`, () => {
  it("ships part, then the rest, telling finance and inventory what left against which reservation", async () => {
    const { id, lineId, reservationId } = await confirmedOrder();
    const first = (await ship(id, lineId, "1")).data.shipSalesOrder;
    expect(first).toMatchObject({
      shipment: { carrierReference: "DHL-7", lines: [{ quantity: "1" }] },
      salesOrder: { status: "PARTIALLY_SHIPPED", lines: [{ shippedQuantity: "1" }] },
      errors: [],
    });
    expect(first.shipment.number).toMatch(/^SH-\d{6}$/);
    const rest = (await ship(id, lineId, "2")).data.shipSalesOrder;
    expect(rest.salesOrder).toEqual({ status: "SHIPPED", availableActions: [], lines: [{ shippedQuantity: "3" }] });
    const { rows } = await sql<{ payload: any }>`
      select e.payload from sales.outbox_events e where e.type = 'sales.shipment.dispatched'
      and e.payload->>'orderId' = ${id} order by e.sequence`.execute(env.database.db);
    expect(rows.map((r) => r.payload.lines.map((l: any) => [l.quantity, l.reservationId, l.netAmount]))).toEqual([
      [["1", reservationId, "99.99"]],
      [["2", reservationId, "199.98"]],
    ]);
  });

  it("closes a partly shipped order short: CLOSED, and inventory is told to keep only what shipped of the reservation", async () => {
    const { id, lineId, reservationId } = await confirmedOrder();
    const close = (reason = "Customer takes no more") =>
      env.client.request(
        `mutation($i: CloseSalesOrderShortInput!) { closeSalesOrderShort(input: $i) { salesOrder { status statusReason availableActions } errors { code field message } } }`,
        { i: { idempotencyKey: newKey(), salesOrderId: id, reason } },
      );
    const before = await snapshot(env);
    expect((await close()).data.closeSalesOrderShort.errors).toEqual([
      {
        code: "INVALID_STATE_TRANSITION",
        field: ["salesOrderId"],
        message: "Only a PARTIALLY_SHIPPED order can be closed short; this one is CONFIRMED",
      },
    ]);
    expect(await snapshot(env)).toEqual(before);
    expect((await ship(id, lineId, "1")).data.shipSalesOrder.salesOrder.availableActions).toEqual([
      "SHIP",
      "CLOSE_SHORT",
    ]);
    const key = newKey();
    const request = () =>
      env.client.request(
        `mutation($i: CloseSalesOrderShortInput!) { closeSalesOrderShort(input: $i) { salesOrder { status statusReason availableActions } errors { code } } }`,
        { i: { idempotencyKey: key, salesOrderId: id, reason: "Customer takes no more" } },
      );
    const [closed, again] = [await request(), await request()];
    expect(closed.data.closeSalesOrderShort).toEqual({
      salesOrder: { status: "CLOSED", statusReason: "Customer takes no more", availableActions: [] },
      errors: [],
    });
    expect(again).toEqual(closed);
    const { rows } = await sql<{ payload: any }>`
      select payload from sales.outbox_events where type = 'sales.order.closed_short' and aggregate_id = ${id}`.execute(
      env.database.db,
    );
    expect(rows.map((r) => r.payload)).toEqual([
      { orderId: id, reason: "Customer takes no more", reservations: [{ reservationId, shippedQuantity: "1" }] },
    ]);
    expect((await ship(id, lineId, "1")).data.shipSalesOrder.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    expect((await close()).data.closeSalesOrderShort.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("reports the shipped position to finance: shipments per currency by the report's time", async () => {
    const { id, lineId } = await confirmedOrder();
    await ship(id, lineId, "1");
    const { data } = await env.client.request(
      `mutation($i: ReportShippedPositionInput!) { reportShippedPosition(input: $i) { reportedAt positions { currency shipments } errors { code } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    const shipped = await env.count("sales.shipments");
    expect(data.reportShippedPosition).toMatchObject({
      positions: [{ currency: "EUR", shipments: shipped }],
      errors: [],
    });
    const { rows } = await sql<{ payload: any }>`
      select payload from sales.outbox_events where type = 'sales.shipments.reported' order by sequence desc limit 1`.execute(
      env.database.db,
    );
    expect(rows[0]!.payload).toEqual({
      reportedAt: new Date(data.reportShippedPosition.reportedAt).toISOString(),
      positions: [{ currency: "EUR", shipments: shipped }],
    });
  });

  it("refuses to ship more than is left to ship, and writes nothing", async () => {
    const { id, lineId } = await confirmedOrder();
    await ship(id, lineId, "2");
    const before = await snapshot(env);
    expect((await ship(id, lineId, "2")).data.shipSalesOrder.errors).toEqual([
      { code: "OVER_SHIPMENT", field: ["lines", "0", "quantity"] },
    ]);
    expect(await snapshot(env)).toEqual(before);
  });
});
