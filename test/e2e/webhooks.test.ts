import {
  type GraphQLClient,
  newKey,
  startWebhookReceiver,
  testDatabaseKind,
  verifiedWebhook,
  type WebhookReceiver,
} from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

// The receiver listens on loopback over http; retries come within a second.
process.env.WEBHOOKS_ALLOW_LOOPBACK = "true";
process.env.WEBHOOKS_RETRY_DELAYS_SECONDS = "0.2,0.2,0.2";

let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let admin: GraphQLClient;
let integrator: GraphQLClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  erp = await startSingleProcess();
  admin = await clientOf(erp);
  // A person setting up a partner integration: webhooks:manage and nothing else.
  integrator = await clientOf(erp, "integrator@partner.example", ["integration"]);
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await erp?.stop();
  await receiver?.close();
});

async function data(client: GraphQLClient, query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const ORDER_EVENTS = [
  "sales.order.placed",
  "sales.order.confirmed",
  "sales.shipment.dispatched",
  "finance.invoice.issued",
  "finance.payment.recorded",
];

async function subscribe(path: string) {
  const created = (
    await data(
      integrator,
      `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret subscription { id } errors { code message } } }`,
      { i: { idempotencyKey: newKey(), url: receiver.url(path), eventTypes: ORDER_EVENTS } },
    )
  ).createWebhookSubscription;
  expect(created.errors).toEqual([]);
  return created as { secret: string; subscription: { id: string } };
}

async function stockedProduct() {
  const customerId = (
    await data(
      admin,
      `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: "Hook AG" }) { customer { id } } }`,
      { k: newKey() },
    )
  ).registerCustomer.customer.id;
  const warehouseId = (
    await data(
      admin,
      `mutation($k: String!, $c: String!) { openWarehouse(input: { idempotencyKey: $k, code: $c, name: "Hooks" }) { warehouse { id } } }`,
      { k: newKey(), c: newKey("W").slice(0, 20) },
    )
  ).openWarehouse.warehouse.id;
  const productId = (
    await data(
      admin,
      `mutation($k: String!, $s: String!) { registerProduct(input: { idempotencyKey: $k, sku: $s, name: "Lamp", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "20.00", currency: "EUR" }, listPrice: { amount: "50.00", currency: "EUR" } }) { product { id } } }`,
      { k: newKey(), s: newKey("SKU").slice(0, 40) },
    )
  ).registerProduct.product.id;
  await data(
    admin,
    `mutation($k: String!, $p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: "10", unitCost: { amount: "20.00", currency: "EUR" } }) { errors { code } } }`,
    { k: newKey(), p: productId, w: warehouseId },
  );
  await erp.settle();
  return { customerId, warehouseId, productId };
}

const placeOrder = async (s: Awaited<ReturnType<typeof stockedProduct>>) =>
  (
    await data(
      admin,
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id number lines { id } } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId: s.customerId,
          warehouseId: s.warehouseId,
          currency: "EUR",
          lines: [{ productId: s.productId, quantity: "2" }],
        },
      },
    )
  ).placeSalesOrder.salesOrder;

describe(`partner webhooks through the gateway on ${testDatabaseKind()}`, () => {
  it("sends an order's placed → confirmed → shipped → invoiced → paid events, each signed, each once", async () => {
    const { secret } = await subscribe("/orders");
    const s = await stockedProduct();
    const order = await placeOrder(s);
    await data(admin, `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), salesOrderId: order.id },
    });
    await erp.settle();
    await data(admin, `mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        salesOrderId: order.id,
        lines: [{ orderLineId: order.lines[0].id, quantity: "2" }],
      },
    });
    await erp.settle();
    const invoiced = await receiver.waitFor("/orders", 4, 60_000);
    const invoice = invoiced.map((r) => verifiedWebhook(secret, r)).find((b) => b.type === "finance.invoice.issued")!;
    await data(admin, `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        customerId: s.customerId,
        amount: invoice.data.total,
        method: "BANK_TRANSFER",
        externalReference: newKey("HOOK").slice(0, 30),
      },
    });
    await erp.settle();
    const requests = await receiver.waitFor("/orders", 5, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.at("/orders")).toHaveLength(5);
    // Every request verifies with the subscription's secret; events of the flow may arrive in any order.
    const bodies = requests.map((r) => verifiedWebhook(secret, r));
    const byType = Object.fromEntries(bodies.map((b) => [b.type, b.data]));
    expect(Object.keys(byType).sort()).toEqual([...ORDER_EVENTS].sort());
    expect(byType["sales.order.placed"]).toMatchObject({
      orderId: order.id,
      orderNumber: order.number,
      customerId: s.customerId,
    });
    expect(byType["sales.order.confirmed"]).toMatchObject({ orderId: order.id });
    expect(byType["sales.shipment.dispatched"]).toMatchObject({
      orderId: order.id,
      lines: [{ productId: s.productId, quantity: "2" }],
    });
    expect(byType["finance.invoice.issued"]).toMatchObject({ salesOrderId: order.id, customerId: s.customerId });
    expect(byType["finance.payment.recorded"]).toMatchObject({ customerId: s.customerId, amount: invoice.data.total });
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(5);
  });

  it("still delivers an event committed while no dispatcher ran, once the process is back", async () => {
    const { secret } = await subscribe("/after-crash");
    const s = await stockedProduct();
    // The process dies after the business commit and before any delivery: its event bus is gone.
    await erp.bus.stop();
    const order = await placeOrder(s);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.at("/after-crash")).toHaveLength(0);
    await erp.restartBus();
    const [request] = await receiver.waitFor("/after-crash", 1, 60_000);
    expect(verifiedWebhook(secret, request!)).toMatchObject({
      type: "sales.order.placed",
      data: { orderId: order.id },
    });
  });

  it("keeps one partner's subscriptions from another, while an administrator sees all", async () => {
    const mine = await subscribe("/mine");
    const other = await clientOf(erp, "someone@else.example", ["integration"]);
    const theirs = await data(other, `{ webhookSubscriptions { nodes { id } } }`);
    expect(theirs.webhookSubscriptions.nodes).toEqual([]);
    const paused = await data(
      other,
      `mutation($i: WebhookSubscriptionActionInput!) { pauseWebhookSubscription(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: newKey(), subscriptionId: mine.subscription.id } },
    );
    expect(paused.pauseWebhookSubscription.errors).toEqual([{ code: "SUBSCRIPTION_NOT_FOUND" }]);
    const all = await data(admin, `{ webhookSubscriptions(first: 100) { nodes { id owner } } }`);
    expect(all.webhookSubscriptions.nodes).toContainEqual({
      id: mine.subscription.id,
      owner: "integrator@partner.example",
    });
  });
});
