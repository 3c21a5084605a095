import { testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, type RunningErp, SPLIT_START_MS, startSplit } from "../src/harness.js";

/**
 * Split mode on a fresh PostgreSQL with finance's process not started yet: every event published
 * meanwhile (a customer registered, stock received, an order's confirmation requested) waits in
 * finance's queues, which exist from the publishers' start on (the static consumer table), and is
 * handled once finance starts. Before, the relay routed to the queues that happened to exist and
 * marked the events published: finance never heard of them.
 */
describe.runIf(testDatabaseKind() === "postgres")("a consumer whose process starts late", () => {
  let split: RunningErp & { startLater(name: string): Promise<void> };

  beforeAll(async () => {
    split = await startSplit({ later: ["finance"] });
  }, SPLIT_START_MS);
  afterAll(async () => {
    await split?.stop();
  });

  it("receives everything published before it first started: the order confirms, ships and is invoiced", async () => {
    const client = await clientOf(split);
    const run = async (query: string, variables?: Record<string, unknown>) => {
      const result = await client.request(query, variables);
      expect(result.errors).toBeUndefined();
      return result.data;
    };
    const customerId = (
      await run(
        `mutation { registerCustomer(input: { idempotencyKey: "late-c", name: "Late AG" }) { customer { id } } }`,
      )
    ).registerCustomer.customer.id;
    const warehouseId = (
      await run(
        `mutation { openWarehouse(input: { idempotencyKey: "late-w", code: "LATE", name: "Late" }) { warehouse { id } } }`,
      )
    ).openWarehouse.warehouse.id;
    const productId = (
      await run(
        `mutation { registerProduct(input: { idempotencyKey: "late-p", sku: "LATE-1", name: "Late chair", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "5.00", currency: "EUR" }, listPrice: { amount: "10.00", currency: "EUR" } }) { product { id } } }`,
      )
    ).registerProduct.product.id;
    await run(
      `mutation($p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: "late-r", productId: $p, warehouseId: $w, quantity: "5", unitCost: { amount: "5.00", currency: "EUR" } }) { errors { code } } }`,
      { p: productId, w: warehouseId },
    );
    // Sales learns of the customer, warehouse and product; finance is not running to learn anything.
    const orderId = await eventually(async () => {
      const placed = await client.request(
        `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } errors { code } } }`,
        {
          i: {
            idempotencyKey: "late-o",
            customerId,
            warehouseId,
            currency: "EUR",
            lines: [{ productId, quantity: "2" }],
          },
        },
      );
      return placed.data?.placeSalesOrder?.salesOrder?.id as string | undefined;
    });
    await run(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: "late-k", salesOrderId: orderId },
    });
    const status = async () =>
      (await run(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id: orderId })).salesOrder.status;
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await status()).toBe("PENDING_CONFIRMATION"); // finance has not checked the credit: it is not running

    await split.startLater("finance");
    await split.settle();
    expect(await status()).toBe("CONFIRMED");
    const line = (await run(`query($id: ID!) { salesOrder(id: $id) { lines { id } } }`, { id: orderId })).salesOrder
      .lines[0].id;
    await run(`mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: "late-s", salesOrderId: orderId, lines: [{ orderLineId: line, quantity: "2" }] },
    });
    await split.settle();
    const invoiced = await run(
      `query($id: ID!, $c: ID!) { salesOrder(id: $id) { status invoices { status total { amount } } } customer(id: $c) { name openInvoices { total { amount } } } }`,
      { id: orderId, c: customerId },
    );
    expect(invoiced.salesOrder).toMatchObject({ status: "SHIPPED", invoices: [{ status: "ISSUED" }] });
    // Finance learned the customer from the registration published before it ever ran.
    expect(invoiced.customer.openInvoices).toHaveLength(1);
  });
});

/** Retries until the answer is there: another domain learns of new master data through events. */
async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("no answer in time");
    await new Promise((r) => setTimeout(r, 250));
  }
}
