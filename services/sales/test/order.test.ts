import { randomUUID } from "node:crypto";
import { Dec } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { lineAmounts } from "../src/pricing.js";
import { ORDER, useSales } from "./harness.js";

const env = useSales();

describe(`sales orders: pricing, placing and refusals on ${testDatabaseKind()}`, () => {
  it("rounds each line half-even to the currency: net, then tax on the rounded net", () => {
    const { net, tax } = lineAmounts(new Dec(3), new Dec("33.335"), new Dec(0), new Dec(19), "EUR");
    // 3 × 33.335 = 100.005 → 100.00 (half-even keeps the even 0); 19 % of 100.00 = 19.00
    expect([net.toFixed(2), tax.toFixed(2)]).toEqual(["100.00", "19.00"]);
    const jpy = lineAmounts(new Dec(1), new Dec("100.5"), new Dec(0), new Dec(10), "JPY");
    expect([jpy.net.toFixed(), jpy.tax.toFixed()]).toEqual(["100", "10"]);
  });

  it("prices an order from list prices, discounts and tax, with exact totals", async () => {
    const [c, p1, p2] = [
      await env.customer(),
      await env.product(),
      await env.product({ listPrice: { amount: "0.10", currency: "EUR" } }),
    ];
    const { data } = await env.place(c, [
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
    const [c, p] = [await env.customer(), await env.product()];
    const input = {
      idempotencyKey: newKey(),
      customerId: c,
      warehouseId: env.warehouseId,
      currency: "EUR",
      lines: [{ productId: p, quantity: "1" }],
    };
    const first = await env.client.request(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`,
      { i: input },
    );
    const before = await env.count("sales.sales_orders");
    const again = await env.client.request(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`,
      { i: input },
    );
    expect(again).toEqual(first);
    expect(await env.count("sales.sales_orders")).toBe(before);
  });

  it("refuses bad lines, listing each, and writes nothing", async () => {
    const c = await env.customer();
    const usd = await env.product({ listPrice: { amount: "5.00", currency: "USD" } });
    const gone = await env.product({ status: "DISCONTINUED" });
    const service = await env.product({ type: "SERVICE" });
    const ok = await env.product();
    const before = [await env.count("sales.sales_orders"), await env.count("sales.lines")];
    const { data } = await env.place(c, [
      { productId: usd, quantity: "1" },
      { productId: gone, quantity: "1" },
      { productId: service, quantity: "1" },
      { productId: ok, quantity: "1.5" },
      { productId: ok, quantity: "1", discountPercent: "120" },
      { productId: randomUUID(), quantity: "1" },
    ]);
    expect(data.placeSalesOrder.errors.map((e: any) => [e.code, e.field?.join(".")])).toEqual([
      ["CURRENCY_MISMATCH", "lines.0.unitPrice"],
      ["PRODUCT_DISCONTINUED", "lines.1.productId"],
      ["VALIDATION_FAILED", "lines.2.productId"],
      ["VALIDATION_FAILED", "lines.3.quantity"],
      ["VALIDATION_FAILED", "lines.4.discountPercent"],
      ["PRODUCT_NOT_FOUND", "lines.5.productId"],
    ]);
    expect([await env.count("sales.sales_orders"), await env.count("sales.lines")]).toEqual(before);
    expect(
      (await env.place(c, [{ productId: usd, quantity: "1", unitPrice: "4.50" }])).data.placeSalesOrder.errors,
    ).toEqual([]);
  });

  it("refuses a warehouse inventory never announced", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const { data } = await env.place(c, [{ productId: p, quantity: "1" }], { warehouseId: randomUUID() });
    expect(data.placeSalesOrder.errors[0]).toMatchObject({ code: "WAREHOUSE_NOT_FOUND", field: ["warehouseId"] });
  });

  it("knows customers from CRM's events, newest version wins, and refuses blocked or unknown ones", async () => {
    const [id, p] = [randomUUID(), await env.product()];
    await env.customer("ACTIVE", 1, id);
    await env.customer("BLOCKED", 2, id);
    await env.customer("ACTIVE", 1, id); // a late, older event changes nothing
    expect((await env.place(id, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.errors[0]).toMatchObject({
      code: "CUSTOMER_BLOCKED",
      field: ["customerId"],
    });
    expect((await env.place(randomUUID(), [{ productId: p, quantity: "1" }])).data.placeSalesOrder.errors[0].code).toBe(
      "CUSTOMER_NOT_FOUND",
    );
  });
});
