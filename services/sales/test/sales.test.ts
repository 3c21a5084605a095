import { randomUUID } from "node:crypto";
import { type Database, Dec, sql } from "@erp/core";
import { createMigratedDatabase, deliverEvent, newKey, subgraphClient, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sales } from "../src/index.js";
import { lineAmounts } from "../src/pricing.js";

let database: Database;
let client: ReturnType<typeof subgraphClient>;

beforeAll(async () => {
  database = await createMigratedDatabase([sales]);
  client = subgraphClient(sales, database.db);
  await deliver("inventory.warehouse.opened", { warehouseId, code: "W-1", name: "Main" });
});
afterAll(() => database.close());

const deliver = (type: string, payload: Record<string, unknown>) => deliverEvent(database.db, sales, type, payload);

async function customer(status = "ACTIVE", version = 1, id: string = randomUUID()) {
  await deliver(`crm.customer.${version === 1 ? "registered" : status === "BLOCKED" ? "blocked" : "unblocked"}`, {
    customerId: id,
    code: "C",
    name: "Kunde GmbH",
    status,
    version,
    ...(status === "BLOCKED" && version > 1 && { reason: "Unpaid invoices" }),
  });
  return id;
}

async function product(overrides: Record<string, unknown> = {}) {
  const id = randomUUID();
  await deliver("inventory.product.registered", {
    productId: id,
    sku: `SKU-${id.slice(0, 6)}`,
    name: "Chair",
    type: "STOCKED",
    status: "ACTIVE",
    quantityPrecision: 0,
    listPrice: { amount: "99.99", currency: "EUR" },
    version: 1,
    ...overrides,
  });
  return id;
}

const ORDER =
  "salesOrder { id number status lines { quantity unitPrice { amount } netAmount { amount } taxAmount { amount } } subtotal { amount } taxTotal { amount } total { amount } availableActions } errors { code field message }";
const warehouseId = randomUUID();
const place = (customerId: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  client.request(`mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`, {
    i: { idempotencyKey: newKey(), customerId, warehouseId, currency: "EUR", lines, ...extra },
  });
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(table)}`.execute(database.db)).rows[0]!.n;

describe(`sales orders and quotes on ${testDatabaseKind()}`, () => {
  it("rounds each line half-even to the currency: net, then tax on the rounded net", () => {
    const { net, tax } = lineAmounts(new Dec(3), new Dec("33.335"), new Dec(0), new Dec(19), "EUR");
    // 3 × 33.335 = 100.005 → 100.00 (half-even keeps the even 0); 19 % of 100.00 = 19.00
    expect([net.toFixed(2), tax.toFixed(2)]).toEqual(["100.00", "19.00"]);
    const jpy = lineAmounts(new Dec(1), new Dec("100.5"), new Dec(0), new Dec(10), "JPY");
    expect([jpy.net.toFixed(), jpy.tax.toFixed()]).toEqual(["100", "10"]);
  });

  it("prices an order from list prices, discounts and tax, with exact totals", async () => {
    const [c, p1, p2] = [
      await customer(),
      await product(),
      await product({ listPrice: { amount: "0.10", currency: "EUR" } }),
    ];
    const { data } = await place(c, [
      { productId: p1, quantity: "3", discountPercent: "12.5" },
      { productId: p2, quantity: "7", taxRate: "7" },
    ]);
    const order = data.placeSalesOrder.salesOrder;
    // 3 × 99.99 × 0.875 = 262.47375 → 262.47; tax 49.8693 → 49.87.  7 × 0.10 = 0.70; tax 0.049 → 0.05
    expect(order.lines.map((l: any) => [l.netAmount.amount, l.taxAmount.amount])).toEqual([
      ["262.47", "49.87"],
      ["0.70", "0.05"],
    ]);
    expect(order).toMatchObject({
      status: "DRAFT",
      subtotal: { amount: "263.17" },
      taxTotal: { amount: "49.92" },
      total: { amount: "313.09" },
    });
    expect(order.number).toMatch(/^SO-\d{6}$/);
  });

  it("returns the first payload for a retried order and places nothing more", async () => {
    const [c, p] = [await customer(), await product()];
    const input = {
      idempotencyKey: newKey(),
      customerId: c,
      warehouseId,
      currency: "EUR",
      lines: [{ productId: p, quantity: "1" }],
    };
    const first = await client.request(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`,
      { i: input },
    );
    const before = await count("sales.sales_orders");
    const again = await client.request(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`,
      { i: input },
    );
    expect(again).toEqual(first);
    expect(await count("sales.sales_orders")).toBe(before);
  });

  it("refuses bad lines, listing each, and writes nothing", async () => {
    const c = await customer();
    const usd = await product({ listPrice: { amount: "5.00", currency: "USD" } });
    const gone = await product({ status: "DISCONTINUED" });
    const service = await product({ type: "SERVICE" });
    const ok = await product();
    const before = [await count("sales.sales_orders"), await count("sales.lines")];
    const { data } = await place(c, [
      { productId: usd, quantity: "1" },
      { productId: gone, quantity: "1" },
      { productId: service, quantity: "1" },
      { productId: ok, quantity: "1.5" },
      { productId: ok, quantity: "1", discountPercent: "120" },
      { productId: randomUUID(), quantity: "1" },
    ]);
    expect(data.placeSalesOrder.errors.map((e: any) => [e.code, e.field])).toEqual([
      ["CURRENCY_MISMATCH", "lines.0.unitPrice"],
      ["PRODUCT_DISCONTINUED", "lines.1.productId"],
      ["VALIDATION_FAILED", "lines.2.productId"],
      ["VALIDATION_FAILED", "lines.3.quantity"],
      ["VALIDATION_FAILED", "lines.4.discountPercent"],
      ["PRODUCT_NOT_FOUND", "lines.5.productId"],
    ]);
    expect([await count("sales.sales_orders"), await count("sales.lines")]).toEqual(before);
    expect(
      (await place(c, [{ productId: usd, quantity: "1", unitPrice: "4.50" }])).data.placeSalesOrder.errors,
    ).toEqual([]);
  });

  it("refuses a warehouse inventory never announced", async () => {
    const [c, p] = [await customer(), await product()];
    const { data } = await place(c, [{ productId: p, quantity: "1" }], { warehouseId: randomUUID() });
    expect(data.placeSalesOrder.errors[0]).toMatchObject({ code: "WAREHOUSE_NOT_FOUND", field: "warehouseId" });
  });

  it("knows customers from CRM's events, newest version wins, and refuses blocked or unknown ones", async () => {
    const [id, p] = [randomUUID(), await product()];
    await customer("ACTIVE", 1, id);
    await customer("BLOCKED", 2, id);
    await customer("ACTIVE", 1, id); // a late, older event changes nothing
    expect((await place(id, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.errors[0]).toMatchObject({
      code: "CUSTOMER_BLOCKED",
      field: "customerId",
    });
    expect((await place(randomUUID(), [{ productId: p, quantity: "1" }])).data.placeSalesOrder.errors[0].code).toBe(
      "CUSTOMER_NOT_FOUND",
    );
  });

  it("asks inventory to reserve on confirmation and allows no cancellation while it waits", async () => {
    const [c, p] = [await customer(), await product()];
    const id = (await place(c, [{ productId: p, quantity: "2" }])).data.placeSalesOrder.salesOrder.id;
    const confirmed = await client.request(
      `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status availableActions } errors { code } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id } },
    );
    expect(confirmed.data.confirmSalesOrder.salesOrder).toEqual({
      status: "PENDING_CONFIRMATION",
      availableActions: [],
    });
    const { rows } = await sql<{
      payload: any;
    }>`select payload from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${id}`.execute(
      database.db,
    );
    expect(rows[0]!.payload).toMatchObject({
      reference: { type: "SalesOrder", id },
      warehouseId,
      lines: [{ productId: p, quantity: "2" }],
    });
    const cancel = await client.request(
      `mutation($i: CancelSalesOrderInput!) { cancelSalesOrder(input: $i) { errors { code message } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id, reason: "x" } },
    );
    expect(cancel.data.cancelSalesOrder.errors[0].message).toBe(
      "Sales order cannot move from PENDING_CONFIRMATION to CANCELLED",
    );
    await deliver("inventory.stock.reserved", {
      reference: { type: "SalesOrder", id },
      reservations: [{ id: randomUUID(), productId: p, warehouseId, quantity: "2" }],
    });
    const halfway = await client.request(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id });
    expect(halfway.data.salesOrder.status).toBe("PENDING_CONFIRMATION");
    await deliver("finance.credit.approved", {
      reference: { type: "SalesOrder", id },
      amount: { amount: "237.98", currency: "EUR" },
    });
    const after = await client.request(
      `query($id: ID!) { salesOrder(id: $id) { status confirmedAt availableActions } }`,
      { id },
    );
    expect(after.data.salesOrder).toMatchObject({ status: "CONFIRMED", availableActions: ["CANCEL", "SHIP"] });
  });

  it("rejects on a credit refusal and gives back stock reserved meanwhile", async () => {
    const [c, p] = [await customer(), await product()];
    const id = (await place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id;
    await client.request(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), salesOrderId: id },
    });
    const { rows: requested } = await sql<{
      payload: any;
    }>`select payload from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${id}`.execute(
      database.db,
    );
    expect(requested[0]!.payload).toMatchObject({ customerId: c, total: { amount: "118.99", currency: "EUR" } });
    await deliver("finance.credit.refused", {
      reference: { type: "SalesOrder", id },
      reason: { code: "CREDIT_LIMIT_EXCEEDED", message: "No room" },
    });
    const reservationId = randomUUID();
    await deliver("inventory.stock.reserved", {
      reference: { type: "SalesOrder", id },
      reservations: [{ id: reservationId, productId: p, warehouseId, quantity: "1" }],
    });
    const after = await client.request(
      `query($id: ID!) { salesOrder(id: $id) { status statusReason statusReasonCode } }`,
      { id },
    );
    expect(after.data.salesOrder).toEqual({
      status: "REJECTED",
      statusReason: "No room",
      statusReasonCode: "CREDIT_LIMIT_EXCEEDED",
    });
    const { rows } = await sql<{
      type: string;
      payload: any;
    }>`select type, payload from sales.outbox_events where aggregate_id = ${id} and type in ('sales.order.rejected', 'sales.order.reservations_declined') order by sequence`.execute(
      database.db,
    );
    expect(rows.map((r) => r.type)).toEqual(["sales.order.rejected", "sales.order.reservations_declined"]);
    expect(rows[1]!.payload.reservationIds).toEqual([reservationId]);
  });

  it("takes a quote from draft through revision and sending to an accepted order with the quoted prices", async () => {
    const [c, p] = [await customer(), await product()];
    const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const QUOTE = "quote { id status version total { amount } lines { quantity } } errors { code message }";
    const created = await client.request(`mutation($i: CreateQuoteInput!) { createQuote(input: $i) { ${QUOTE} } }`, {
      i: {
        idempotencyKey: newKey(),
        customerId: c,
        currency: "EUR",
        validUntil,
        lines: [{ productId: p, quantity: "1" }],
      },
    });
    const quote = created.data.createQuote.quote;
    const revised = await client.request(`mutation($i: ReviseQuoteInput!) { reviseQuote(input: $i) { ${QUOTE} } }`, {
      i: {
        idempotencyKey: newKey(),
        quoteId: quote.id,
        expectedVersion: 1,
        lines: [{ productId: p, quantity: "2", unitPrice: "90.00" }],
      },
    });
    expect(revised.data.reviseQuote.quote).toMatchObject({
      version: 2,
      total: { amount: "214.20" },
      lines: [{ quantity: "2" }],
    });
    await client.request(`mutation($i: SendQuoteInput!) { sendQuote(input: $i) { ${QUOTE} } }`, {
      i: { idempotencyKey: newKey(), quoteId: quote.id },
    });
    const late = await client.request(`mutation($i: ReviseQuoteInput!) { reviseQuote(input: $i) { ${QUOTE} } }`, {
      i: { idempotencyKey: newKey(), quoteId: quote.id, expectedVersion: 3, notes: "x" },
    });
    expect(late.data.reviseQuote.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    const accepted = await client.request(
      `mutation($i: AcceptQuoteInput!) { acceptQuote(input: $i) { quote { status } salesOrder { status total { amount } quote { id } } errors { code } } }`,
      { i: { idempotencyKey: newKey(), quoteId: quote.id, warehouseId } },
    );
    expect(accepted.data.acceptQuote).toEqual({
      quote: { status: "ACCEPTED" },
      salesOrder: { status: "DRAFT", total: { amount: "214.20" }, quote: { id: quote.id } },
      errors: [],
    });
  });

  it("refuses to accept a quote past its validity date and reports it EXPIRED", async () => {
    const [c, p] = [await customer(), await product()];
    const today = new Date().toISOString().slice(0, 10);
    const id = (
      await client.request(`mutation($i: CreateQuoteInput!) { createQuote(input: $i) { quote { id } } }`, {
        i: {
          idempotencyKey: newKey(),
          customerId: c,
          currency: "EUR",
          validUntil: today,
          lines: [{ productId: p, quantity: "1" }],
        },
      })
    ).data.createQuote.quote.id;
    await client.request(`mutation($i: SendQuoteInput!) { sendQuote(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), quoteId: id },
    });
    // Time passes: the validity date is now behind us.
    await sql`update sales.quotes set valid_until = current_date - 1 where id = ${id}`.execute(database.db);
    const { data } = await client.request(
      `mutation($i: AcceptQuoteInput!) { acceptQuote(input: $i) { salesOrder { id } errors { code field } } }`,
      { i: { idempotencyKey: newKey(), quoteId: id, warehouseId } },
    );
    expect(data.acceptQuote).toEqual({ salesOrder: null, errors: [{ code: "QUOTE_EXPIRED", field: "quoteId" }] });
    expect((await client.request(`query($id: ID!) { quote(id: $id) { status } }`, { id })).data.quote.status).toBe(
      "EXPIRED",
    );
  });
});
