import { randomUUID } from "node:crypto";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { ERRORS, LEVEL, snapshot, useInventory } from "./harness.js";

const env = useInventory();

const RESERVATION = "id quantity issuedQuantity status reference { type id } product { sku }";
const reserve = (reference: { type: string; id: string }, lines: Record<string, unknown>[], key = newKey()) =>
  env.client.request(
    `mutation($i: ReserveStockInput!) { reserveStock(input: $i) { reservations { ${RESERVATION} } ${ERRORS} } }`,
    {
      i: { idempotencyKey: key, reference, lines },
    },
  );
const release = (reservationId: string) =>
  env.client.request(
    `mutation($i: ReleaseReservationInput!) { releaseReservation(input: $i) { reservation { ${RESERVATION} } ${ERRORS} } }`,
    {
      i: { idempotencyKey: newKey(), reservationId },
    },
  );
const issue = (reservationId: string, extra: Record<string, unknown> = {}) =>
  env.client.request(
    `mutation($i: IssueReservedStockInput!) { issueReservedStock(input: $i) { reservation { ${RESERVATION} } movement { kind quantity source { type id } } ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), reservationId, ...extra } },
  );
const level = async (productId: string, warehouseId: string) =>
  (
    await env.client.request(`query($p: ID, $w: ID) { stockLevels(productId: $p, warehouseId: $w) { ${LEVEL} } }`, {
      p: productId,
      w: warehouseId,
    })
  ).data.stockLevels[0];
const order = () => ({ type: "ServiceJob", id: newKey("JOB") });

describe(`reservations on ${testDatabaseKind()}`, () => {
  it("with 10 on hand, 50 concurrent reservations of 1 give exactly 10 reservations and 40 INSUFFICIENT_STOCK", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("10");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => reserve(order(), [{ productId: product.id, warehouseId, quantity: "1" }])),
    );
    const codes = results.map((r) => r.data.reserveStock.errors[0]?.code ?? "RESERVED");
    expect(codes.filter((c) => c === "RESERVED")).toHaveLength(10);
    expect(codes.filter((c) => c === "INSUFFICIENT_STOCK")).toHaveLength(40);
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "10", reserved: "10", available: "0" });
    expect(await env.count("inventory.reservations", `product_id = '${product.id}'`)).toBe(10);
  });

  it("reserves several lines for one reference, all or none", async () => {
    const warehouse = (await env.make.warehouse()).id;
    const a = (await env.make.stockedProduct("5", { warehouseId: warehouse })).product;
    const b = (await env.make.stockedProduct("2", { warehouseId: warehouse })).product;
    const before = await snapshot(env);
    const tooMuch = await reserve(order(), [
      { productId: a.id, warehouseId: warehouse, quantity: "3" },
      { productId: b.id, warehouseId: warehouse, quantity: "3" },
    ]);
    expect(tooMuch.data.reserveStock).toEqual({
      reservations: [],
      errors: [
        {
          code: "INSUFFICIENT_STOCK",
          field: ["lines", "1", "quantity"],
          message: `Only 2 of ${b.sku} available, 3 requested`,
        },
      ],
    });
    expect(await snapshot(env)).toEqual(before);
    const reference = order();
    const ok = await reserve(reference, [
      { productId: a.id, warehouseId: warehouse, quantity: "3" },
      { productId: b.id, warehouseId: warehouse, quantity: "2" },
    ]);
    expect(ok.data.reserveStock.reservations.map((r: any) => [r.product.sku, r.quantity, r.status])).toEqual([
      [a.sku, "3", "ACTIVE"],
      [b.sku, "2", "ACTIVE"],
    ]);
    const listed = await env.client.request(
      `query($r: DocumentReferenceInput!) { reservations(reference: $r) { quantity } }`,
      { r: reference },
    );
    expect(listed.data.reservations).toHaveLength(2);
  });

  it("sums two lines of the same product before checking availability", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("3");
    const { data } = await reserve(order(), [
      { productId: product.id, warehouseId, quantity: "2" },
      { productId: product.id, warehouseId, quantity: "2" },
    ]);
    expect(data.reserveStock.errors[0].code).toBe("INSUFFICIENT_STOCK");
  });

  it("refuses discontinued and service products, unknown ids and bad quantities, listing every bad line", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("5");
    const discontinued = (await env.make.stockedProduct("5", { warehouseId })).product;
    await env.client.request(`mutation($i: DiscontinueProductInput!) { discontinueProduct(input: $i) { ${ERRORS} } }`, {
      i: { idempotencyKey: newKey(), productId: discontinued.id },
    });
    const service = await env.make.product({ type: "SERVICE", unitOfMeasure: "HOUR" });
    const before = await snapshot(env);
    const { data } = await reserve(order(), [
      { productId: discontinued.id, warehouseId, quantity: "1" },
      { productId: service.id, warehouseId, quantity: "1" },
      { productId: "00000000-0000-4000-8000-000000000000", warehouseId, quantity: "1" },
      { productId: product.id, warehouseId, quantity: "0.5" },
      { productId: product.id, warehouseId: "00000000-0000-4000-8000-000000000000", quantity: "1" },
    ]);
    expect(data.reserveStock.errors.map((e: any) => [e.code, e.field?.join(".")])).toEqual([
      ["PRODUCT_DISCONTINUED", "lines.0.productId"],
      ["PRODUCT_NOT_STOCKED", "lines.1.productId"],
      ["PRODUCT_NOT_FOUND", "lines.2.productId"],
      ["VALIDATION_FAILED", "lines.3.quantity"],
      ["WAREHOUSE_NOT_FOUND", "lines.4.warehouseId"],
    ]);
    expect(await snapshot(env)).toEqual(before);
    expect((await reserve(order(), [])).data.reserveStock.errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      field: ["lines"],
    });
  });

  it("the manual API refuses a sales order's reservations: reserving for one, releasing or issuing what its saga holds", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("5");
    const before = await snapshot(env);
    for (const type of ["SalesOrder", "sales_order"]) {
      const refused = await reserve({ type, id: randomUUID() }, [
        { productId: product.id, warehouseId, quantity: "1" },
      ]);
      expect(refused.data.reserveStock.errors).toEqual([
        expect.objectContaining({ code: "SALES_ORDER_RESERVATION", field: ["reference", "type"] }),
      ]);
    }
    expect(await snapshot(env)).toEqual(before);
    const orderId = randomUUID();
    await env.deliver("sales.order.confirmation_requested", {
      orderId,
      customerId: randomUUID(),
      reference: { type: "SalesOrder", id: orderId },
      warehouseId,
      total: { amount: "10.00", currency: "EUR" },
      lines: [{ lineId: randomUUID(), productId: product.id, quantity: "2" }],
    });
    const held = await env.scalar(`select id as v from inventory.reservations where reference_id = '${orderId}'`);
    for (const refused of [
      (await release(held)).data.releaseReservation,
      (await issue(held, { quantity: "1" })).data.issueReservedStock,
    ])
      expect(refused.errors).toEqual([
        expect.objectContaining({ code: "SALES_ORDER_RESERVATION", field: ["reservationId"] }),
      ]);
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "5", reserved: "2", available: "3" });
  });

  it("an order closed short keeps what shipped (even a shipment still on its way) and releases the rest", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("10");
    const orderId = randomUUID();
    await env.deliver("sales.order.confirmation_requested", {
      orderId,
      customerId: randomUUID(),
      reference: { type: "SalesOrder", id: orderId },
      warehouseId,
      total: { amount: "50.00", currency: "EUR" },
      lines: [{ lineId: randomUUID(), productId: product.id, quantity: "5" }],
    });
    const reservationId = await env.scalar(
      `select id as v from inventory.reservations where reference_id = '${orderId}'`,
    );
    const shipment = (quantity: string) => ({
      shipmentId: randomUUID(),
      number: "SH-1",
      orderId,
      orderNumber: "SO-1",
      customerId: randomUUID(),
      warehouseId,
      currency: "EUR",
      lines: [
        {
          orderLineId: randomUUID(),
          reservationId,
          productId: product.id,
          sku: product.sku,
          quantity,
          unitPrice: "10.00",
          discountPercent: "0",
          taxRate: "0",
          netAmount: "10.00",
          taxAmount: "0.00",
        },
      ],
    });
    await env.deliver("sales.shipment.dispatched", shipment("2"));
    // Sales shipped 3 in all before closing; the second shipment (1) reaches inventory after the close.
    const closed = { orderId, reason: "No more", reservations: [{ reservationId, shippedQuantity: "3" }] };
    await env.deliver("sales.order.closed_short", closed);
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "8", reserved: "1", available: "7" });
    await env.deliver("sales.order.closed_short", closed);
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "8", reserved: "1", available: "7" });
    await env.deliver("sales.shipment.dispatched", shipment("1"));
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "7", reserved: "0", available: "7" });
    expect(
      await env.scalar(
        `select status || ' ' || quantity::int || ' ' || issued_quantity::int as v from inventory.reservations where id = '${reservationId}'`,
      ),
    ).toBe("CONSUMED 3 3");
  });

  it("releases a reservation back to available; releasing twice is an invalid transition", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("4");
    const reservation = (await reserve(order(), [{ productId: product.id, warehouseId, quantity: "3" }])).data
      .reserveStock.reservations[0];
    expect((await level(product.id, warehouseId)).available).toBe("1");
    const released = await release(reservation.id);
    expect(released.data.releaseReservation.reservation.status).toBe("RELEASED");
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "4", reserved: "0", available: "4" });
    expect((await release(reservation.id)).data.releaseReservation.errors[0].message).toBe(
      "Reservation cannot move from RELEASED to RELEASED",
    );
  });

  it("issues part then the rest of a reservation: on hand falls, ISSUE movements reference the shipment, CONSUMED at the end", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("10");
    const reservation = (await reserve(order(), [{ productId: product.id, warehouseId, quantity: "6" }])).data
      .reserveStock.reservations[0];
    const part = await issue(reservation.id, { quantity: "4", source: { type: "SalesShipment", id: "SH-1" } });
    expect(part.data.issueReservedStock.reservation).toMatchObject({ issuedQuantity: "4", status: "ACTIVE" });
    expect(part.data.issueReservedStock.movement).toEqual({
      kind: "ISSUE",
      quantity: "-4",
      source: { type: "SalesShipment", id: "SH-1" },
    });
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "6", reserved: "2", available: "4" });
    const over = await issue(reservation.id, { quantity: "3" });
    expect(over.data.issueReservedStock.errors[0]).toMatchObject({ code: "RESERVATION_EXCEEDED", field: ["quantity"] });
    const rest = await issue(reservation.id);
    expect(rest.data.issueReservedStock.reservation).toMatchObject({ issuedQuantity: "6", status: "CONSUMED" });
    expect(await level(product.id, warehouseId)).toMatchObject({ onHand: "4", reserved: "0", available: "4" });
    expect((await issue(reservation.id)).data.issueReservedStock.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    expect((await release(reservation.id)).data.releaseReservation.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("announces inventory.stock.low once when available falls below the reorder point", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("10");
    await env.client.request(
      `mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { stockLevel { belowReorderPoint } ${ERRORS} } }`,
      {
        i: { idempotencyKey: newKey(), productId: product.id, warehouseId, reorderPoint: "5", reorderQuantity: "20" },
      },
    );
    await reserve(order(), [{ productId: product.id, warehouseId, quantity: "4" }]);
    await reserve(order(), [{ productId: product.id, warehouseId, quantity: "2" }]);
    await reserve(order(), [{ productId: product.id, warehouseId, quantity: "1" }]);
    const events = await env.count(
      "inventory.outbox_events",
      `type = 'inventory.stock.low' and payload->>'productId' = '${product.id}'`,
    );
    expect(events).toBe(1);
    const { data } = await env.client.request(
      `query($w: ID) { lowStock(warehouseId: $w) { product { sku } available reorderPoint } }`,
      { w: warehouseId },
    );
    expect(data.lowStock).toEqual([{ product: { sku: product.sku }, available: "3", reorderPoint: "5" }]);
  });
});
