import { randomUUID } from "node:crypto";
import { EventBus, sql, systemClock } from "@erp/core";
import { testClock, testDatabaseKind, verifiedWebhook } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { webhooks } from "../src/index.js";
import { sweepDeliveries } from "../src/sweep.js";
import { useWebhooks } from "./harness.js";

const env = useWebhooks();
const receiver = () => env.state.receiver;

const DELIVERIES = `nodes { id webhookId eventType status attemptCount nextAttemptAt attempts { statusCode durationMs error responseExcerpt nextAttemptAt } }`;
const deliveries = async (subscriptionId: string) =>
  (
    await env.client.request(`query($s: ID!) { webhookDeliveries(subscriptionId: $s) { ${DELIVERIES} } }`, {
      s: subscriptionId,
    })
  ).data.webhookDeliveries.nodes;

/** Polls until the condition holds; deliveries finish on the job queue, after the request returned. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`webhook deliveries on ${testDatabaseKind()}`, () => {
  it("sends an order placed to its subscriber only, signed with the subscription's secret, in the public shape", async () => {
    const placed = await env.subscribe("/placed", ["sales.order.placed"]);
    await env.subscribe("/confirmed-only", ["sales.order.confirmed"]);
    const orderId = randomUUID();
    await env.orderPlaced(orderId);
    const [request] = await receiver().waitFor("/placed", 1);
    const body = verifiedWebhook(placed.secret, request!);
    expect(body).toMatchObject({
      type: "sales.order.placed",
      data: { orderId, orderNumber: `SO-${orderId.slice(0, 6)}`, currency: "EUR" },
    });
    expect(Object.keys(body.data).sort()).toEqual(["currency", "customerId", "orderId", "orderNumber"]);
    expect(() => verifiedWebhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`, request!)).toThrow();
    const [delivery] = await eventually(
      () => deliveries(placed.id),
      (d) => d[0]?.status === "SUCCEEDED",
    );
    expect(delivery).toMatchObject({
      webhookId: request!.headers["webhook-id"],
      status: "SUCCEEDED",
      attemptCount: 1,
      nextAttemptAt: null,
    });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].statusCode).toBe(200);
    // Only an excerpt of the answer is kept.
    expect(delivery.attempts[0].responseExcerpt.length).toBe(256);
    expect(receiver().at("/confirmed-only")).toHaveLength(0);

    // Redelivered on request: the same webhook-id, so the receiver can drop it.
    const again = await env.mutate(
      null,
      "redeliverWebhook",
      { deliveryId: delivery.id },
      "delivery { webhookId status } errors { code }",
    );
    expect(again.errors).toEqual([]);
    const [, second] = await receiver().waitFor("/placed", 2);
    expect(second!.headers["webhook-id"]).toBe(request!.headers["webhook-id"]);
    expect(verifiedWebhook(placed.secret, second!).data.orderId).toBe(orderId);
  });

  it("retries a failing endpoint with the same webhook-id: fails twice, then succeeds on the third attempt", async () => {
    receiver().behave("/flaky", (n) => ({ status: n <= 2 ? 500 : 204 }));
    const flaky = await env.subscribe("/flaky", ["sales.order.placed"]);
    await env.orderPlaced();
    const requests = await receiver().waitFor("/flaky", 3);
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of requests) verifiedWebhook(flaky.secret, r);
    const [delivery] = await eventually(
      () => deliveries(flaky.id),
      (d) => d[0]?.status === "SUCCEEDED",
    );
    expect(delivery.attemptCount).toBe(3);
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([500, 500, 204]);
    expect(delivery.attempts[0].error).toBe("The endpoint answered 500");
    expect(delivery.attempts[0].nextAttemptAt).not.toBeNull();
    expect(delivery.attempts[2].nextAttemptAt).toBeNull();
    await new Promise((r) => setTimeout(r, 600));
    expect(receiver().at("/flaky")).toHaveLength(3);
  });

  it("gives up after the schedule: every retry failed → FAILED, and the subscription starts failing", async () => {
    receiver().behave("/down", () => ({ status: 503 }));
    const down = await env.subscribe("/down", ["sales.order.placed"]);
    await env.orderPlaced();
    // The first attempt and the three retries of the test schedule.
    await receiver().waitFor("/down", 4);
    const [delivery] = await eventually(
      () => deliveries(down.id),
      (d) => d[0]?.status === "FAILED",
    );
    expect(delivery).toMatchObject({ status: "FAILED", attemptCount: 4, nextAttemptAt: null });
    const sub = await env.client.request(`query($id: ID!) { webhookSubscription(id: $id) { status failingSince } }`, {
      id: down.id,
    });
    expect(sub.data.webhookSubscription.status).toBe("ACTIVE");
    expect(sub.data.webhookSubscription.failingSince).not.toBeNull();
  });

  it("disables the subscription when the endpoint answers 410 Gone, and sends it nothing more", async () => {
    receiver().behave("/gone", () => ({ status: 410 }));
    const gone = await env.subscribe("/gone", ["sales.order.placed"]);
    await env.orderPlaced();
    await receiver().waitFor("/gone", 1);
    const read = () =>
      env.client.request(`query($id: ID!) { webhookSubscription(id: $id) { status disabledReason } }`, { id: gone.id });
    const sub = await eventually(read, (r) => r.data.webhookSubscription.status === "DISABLED");
    expect(sub.data.webhookSubscription).toEqual({
      status: "DISABLED",
      disabledReason: "The endpoint answered 410 Gone",
    });
    expect((await deliveries(gone.id))[0]).toMatchObject({ status: "FAILED", attemptCount: 1 });
    await env.orderPlaced();
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver().at("/gone")).toHaveLength(1);
    expect(await env.count("webhooks.deliveries", `subscription_id = '${gone.id}'`)).toBe(1);
  });

  it("replays exactly the events of a time window, each with the webhook-id it had", async () => {
    const replayed = await env.subscribe("/replay", ["sales.order.placed"]);
    const days = ["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"];
    const orders: string[] = [];
    for (const day of days) {
      env.clock.set(new Date(day));
      orders.push((await env.orderPlaced()).payload.orderId as string);
    }
    env.clock.set(new Date());
    const first = await receiver().waitFor("/replay", 3);
    const idOf = (orderId: string) =>
      first.find((r) => verifiedWebhook(replayed.secret, r).data.orderId === orderId)!.headers["webhook-id"];
    const answer = await env.mutate(
      null,
      "replayWebhooks",
      { subscriptionId: replayed.id, from: "2026-01-02T00:00:00Z", to: "2026-01-03T00:00:00Z" },
      "eventCount errors { code }",
    );
    expect(answer).toEqual({ eventCount: 1, errors: [] });
    const all = await receiver().waitFor("/replay", 4);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver().at("/replay")).toHaveLength(4);
    const resent = verifiedWebhook(replayed.secret, all[3]!);
    expect(resent.data.orderId).toBe(orders[1]);
    expect(resent.timestamp).toBe("2026-01-02T10:00:00.000Z");
    expect(all[3]!.headers["webhook-id"]).toBe(idOf(orders[1]!));

    const tooLong = await env.mutate(
      null,
      "replayWebhooks",
      { subscriptionId: replayed.id, from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z" },
      "eventCount errors { code field }",
    );
    expect(tooLong).toEqual({ eventCount: null, errors: [{ code: "REPLAY_WINDOW_TOO_LARGE", field: ["to"] }] });
  });

  it("a slow endpoint delays neither another partner's delivery nor the business", async () => {
    receiver().behave("/slow", () => ({ status: 200, delayMs: 3000 }));
    const slow = await env.subscribe("/slow", ["sales.order.confirmed"]);
    await env.subscribe("/fast", ["sales.order.confirmed"]);
    const started = Date.now();
    await env.deliver("sales.order.confirmed", { orderId: randomUUID(), customerId: randomUUID(), currency: "EUR" });
    // The handler only records the deliveries: it never waits for an endpoint.
    expect(Date.now() - started).toBeLessThan(1000);
    const [fast] = await receiver().waitFor("/fast", 1);
    const [slowRequest] = await receiver().waitFor("/slow", 1);
    // Both were sent together; the fast one did not wait for the slow one's 1 s timeout.
    expect(Math.abs(fast!.at - slowRequest!.at)).toBeLessThan(1000);
    const [delivery] = await eventually(
      () => deliveries(slow.id),
      (d) => d[0]?.attempts.length >= 1,
    );
    expect(delivery.attempts[0]).toMatchObject({ statusCode: null, error: "Timed out" });
    expect(delivery.attempts[0].durationMs).toBeGreaterThanOrEqual(900);
    await env.mutate(null, "pauseWebhookSubscription", { subscriptionId: slow.id }, "errors { code }");
  });

  it("gives a dead endpoint at most two senders at once, so other partners' deliveries go straight through", async () => {
    receiver().behave("/dead", () => ({ status: 200, delayMs: 3000 }));
    const reason = { code: "INSUFFICIENT_STOCK", message: "Not enough chairs" };
    env.clock.set(new Date("2026-02-01T10:00:00Z"));
    for (let i = 0; i < 5; i++)
      await env.deliver("sales.order.rejected", { orderId: randomUUID(), reason, reservationIds: [] });
    env.clock.set(new Date());
    // A replay queues the five deliveries to the dead endpoint in one go, beside a live partner's own.
    const dead = await env.subscribe("/dead", ["sales.order.rejected"]);
    const alive = await env.subscribe("/alive", ["sales.order.rejected"]);
    for (const subscriptionId of [dead.id, alive.id])
      await env.mutate(
        null,
        "replayWebhooks",
        { subscriptionId, from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z" },
        "eventCount errors { code }",
      );
    const [firstAlive] = await receiver().waitFor("/alive", 5);
    await receiver().waitFor("/dead", 5, 30_000);
    // Each attempt on the dead endpoint lasts the 1 s timeout; a third never starts before one ended.
    expect(receiver().mostOpenAtOnce("/dead")).toBe(2);
    // The live partner did not queue behind them.
    expect(firstAlive!.at).toBeLessThan(receiver().at("/dead")[2]!.at);
    await env.mutate(null, "pauseWebhookSubscription", { subscriptionId: dead.id }, "errors { code }");
  });

  it("pings one subscription only; after rotation both the old and the new secret verify during the grace period", async () => {
    const pinged = await env.subscribe("/ping", ["finance.invoice.issued"]);
    await env.subscribe("/not-pinged", ["finance.invoice.issued"]);
    const rotated = await env.mutate(
      null,
      "rotateWebhookSecret",
      { subscriptionId: pinged.id, gracePeriodSeconds: 3600 },
      "secret errors { code }",
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(pinged.secret);
    await env.mutate(
      null,
      "pingWebhookSubscription",
      { subscriptionId: pinged.id },
      "delivery { eventType } errors { code }",
    );
    const [request] = await receiver().waitFor("/ping", 1);
    expect(verifiedWebhook(rotated.secret, request!)).toMatchObject({
      type: "webhook.ping",
      data: { subscriptionId: pinged.id },
    });
    expect(verifiedWebhook(pinged.secret, request!).type).toBe("webhook.ping");
    expect(receiver().at("/not-pinged")).toHaveLength(0);
  });
});

describe(`recovery and health on ${testDatabaseKind()}`, () => {
  it("sends a delivery whose job was lost with its process: the sweep queues it again", async () => {
    await env.subscribe("/lost-job", ["finance.payment.recorded"]);
    // The process dies after the handler committed the delivery and before its job could run.
    await env.state.bus.stop();
    const amount = { amount: "10.00", currency: "EUR" };
    // Due now, so the minute's own sweep leaves it alone for 30 s: this test runs the sweep itself.
    env.clock.set(new Date());
    await env.deliver("finance.payment.recorded", {
      paymentId: randomUUID(),
      customerId: randomUUID(),
      amount,
      allocated: amount,
    });
    env.state.bus = await EventBus.start(env.database, [webhooks], { pollingIntervalSeconds: 0.5 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver().at("/lost-job")).toHaveLength(0);
    // The minute's sweep, a minute later.
    await sweepDeliveries(env.database.db as never, testClock(new Date(Date.now() + 60_000)));
    const [request] = await receiver().waitFor("/lost-job", 1);
    expect(JSON.parse(request!.body)).toMatchObject({ type: "finance.payment.recorded", data: { amount } });
  });

  it("disables a subscription whose deliveries have failed for the configured days, and audits why", async () => {
    const failing = await env.subscribe("/failing-for-days", ["inventory.stock.low"]);
    const healthy = await env.subscribe("/failing-briefly", ["inventory.stock.low"]);
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    await sql`update webhooks.subscriptions set failing_since = ${daysAgo(5.1)} where id = ${failing.id}`.execute(
      env.database.db,
    );
    await sql`update webhooks.subscriptions set failing_since = ${daysAgo(4.9)} where id = ${healthy.id}`.execute(
      env.database.db,
    );
    await sweepDeliveries(env.database.db as never, systemClock);
    const status = async (id: string) =>
      (await env.client.request(`query($id: ID!) { webhookSubscription(id: $id) { status disabledReason } }`, { id }))
        .data.webhookSubscription;
    expect(await status(failing.id)).toEqual({
      status: "DISABLED",
      disabledReason: "Every delivery failed for 5 days",
    });
    expect(await status(healthy.id)).toEqual({ status: "ACTIVE", disabledReason: null });
    expect(
      await env.count("webhooks.audit_log", `aggregate_id = '${failing.id}' and operation = 'sweepWebhookDeliveries'`),
    ).toBe(1);
  });
});
