import { randomUUID } from "node:crypto";
import { isoDay } from "@erp/core";
import { newKey } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useSales } from "./harness.js";

const env = useSales();
const today = () => env.clock.today();

/** Places and confirms an order the way the saga does: inventory reserves, finance approves credit. */
async function confirmedOrder(customerId: string, lines: { productId: string; quantity: string }[], currency = "EUR") {
  const placed = (await env.place(customerId, lines, { currency })).data.placeSalesOrder.salesOrder;
  await env.client.request(
    `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`,
    {
      i: { idempotencyKey: newKey(), salesOrderId: placed.id },
    },
  );
  const reference = { type: "SalesOrder", id: placed.id };
  await env.deliver("inventory.stock.reserved", {
    reference,
    reservations: lines.map((l) => ({ id: randomUUID(), ...l, warehouseId: env.warehouseId })),
  });
  await env.deliver("finance.credit.approved", { reference, amount: { amount: placed.total.amount, currency } });
  return placed.id as string;
}

const REPORT = `from to rowCount rows { name code currency orderCount quantity netAmount { amount } taxAmount { amount } customer { id } product { id } } totals { currency orderCount netAmount { amount } taxAmount { amount } }`;

let alice: string;
let bob: string;
let chair: string;
let desk: string;

beforeAll(async () => {
  alice = await env.customer();
  bob = await env.customer();
  chair = await env.product({ name: "Chair", listPrice: { amount: "100.00", currency: "EUR" } });
  desk = await env.product({ name: "Desk", listPrice: { amount: "300.00", currency: "EUR" } });
  await confirmedOrder(alice, [
    { productId: chair, quantity: "2" },
    { productId: desk, quantity: "1" },
  ]);
  await confirmedOrder(alice, [{ productId: chair, quantity: "1" }]);
  await confirmedOrder(bob, [{ productId: desk, quantity: "3" }]);
  // Placed but never confirmed: not a sale.
  await env.place(bob, [{ productId: chair, quantity: "50" }]);
});

describe("sales reports of a period", () => {
  it("sums confirmed orders by product, largest first, with totals over every order", async () => {
    const { data } = await env.client.request(
      `query($f: Date!, $t: Date!) { salesByProduct(from: $f, to: $t) { ${REPORT} } }`,
      {
        f: isoDay(-30, env.clock.now().getTime()),
        t: today(),
      },
    );
    const report = data.salesByProduct;
    expect(report.rowCount).toBe(2);
    expect(
      report.rows.map((r: any) => [r.name, r.quantity, r.orderCount, r.netAmount.amount, r.product.id, r.customer]),
    ).toEqual([
      ["Desk", "4", 2, "1200.00", desk, null],
      ["Chair", "3", 2, "300.00", chair, null],
    ]);
    expect(report.totals).toEqual([
      { currency: "EUR", orderCount: 3, netAmount: { amount: "1500.00" }, taxAmount: { amount: expect.any(String) } },
    ]);
  });

  it("sums confirmed orders by customer", async () => {
    const { data } = await env.client.request(
      `query($f: Date!, $t: Date!) { salesByCustomer(from: $f, to: $t) { ${REPORT} } }`,
      {
        f: today(),
        t: today(),
      },
    );
    const rows = data.salesByCustomer.rows.map((r: any) => [r.customer.id, r.orderCount, r.netAmount.amount]);
    expect(rows).toEqual([
      [bob, 1, "900.00"],
      [alice, 2, "600.00"],
    ]);
  });

  it("leaves out orders confirmed outside the period and refuses a period of more than a year", async () => {
    const tomorrow = isoDay(1, env.clock.now().getTime());
    const { data } = await env.client.request(
      `query($f: Date!) { salesByCustomer(from: $f, to: $f) { rowCount rows { name } totals { currency } } }`,
      {
        f: tomorrow,
      },
    );
    expect(data.salesByCustomer).toEqual({ rowCount: 0, rows: [], totals: [] });
    const { errors } = await env.client.request(
      `query { salesByProduct(from: "2024-01-01", to: "2025-01-01") { rowCount } }`,
    );
    expect(errors?.[0]).toMatchObject({
      message: expect.stringMatching(/at most 366 days/),
      extensions: { code: "BAD_USER_INPUT" },
    });
  });
});
