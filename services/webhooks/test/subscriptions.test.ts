import { newKey, testDatabaseKind } from "@erp/testing";
import { afterEach, describe, expect, it } from "vitest";
import { checkUrl } from "../src/url-safety.js";
import { partner, SUBSCRIPTION, useWebhooks } from "./harness.js";

const env = useWebhooks();

const CREATE = `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret ${SUBSCRIPTION} } }`;

const inProduction = () => {
  process.env.NODE_ENV = "production";
};
afterEach(() => {
  process.env.NODE_ENV = "test";
});

describe(`webhook subscriptions on ${testDatabaseKind()}`, () => {
  it("returns the signing secret once: a retry with the same key answers the same subscription without it", async () => {
    const input = {
      idempotencyKey: newKey(),
      url: env.state.receiver.url("/once"),
      eventTypes: ["sales.order.confirmed"],
    };
    const first = (await env.client.request(CREATE, { i: input })).data.createWebhookSubscription;
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(first.subscription).toMatchObject({ status: "ACTIVE", eventTypes: ["sales.order.confirmed"], version: 1 });
    const again = (await env.client.request(CREATE, { i: input })).data.createWebhookSubscription;
    expect(again).toEqual({ ...first, secret: null });
    expect(await env.count("webhooks.subscriptions", `id = '${first.subscription.id}'`)).toBe(1);
  });

  it("refuses an event type outside the public catalogue and writes nothing", async () => {
    const before = await env.snapshot();
    const refused = await env.mutate(
      null,
      "createWebhookSubscription",
      { url: env.state.receiver.url("/x"), eventTypes: ["sales.order.placed", "sales.order.confirmation_requested"] },
      `secret ${SUBSCRIPTION}`,
    );
    expect(refused).toEqual({
      secret: null,
      subscription: null,
      errors: [
        {
          code: "UNKNOWN_EVENT_TYPE",
          field: ["eventTypes"],
          message: "Not public event types: sales.order.confirmation_requested",
        },
      ],
    });
    expect(await env.snapshot()).toEqual(before);
  });

  it("lets a partner see and change only its own subscriptions; an administrator sees all", async () => {
    const a = await env.subscribe("/partner-a", ["sales.order.placed"], partner("A"));
    const b = await env.subscribe("/partner-b", ["sales.order.placed"], partner("B"));
    const list = async (who: ReturnType<typeof partner> | null) => {
      const client = who ? env.as(who) : env.client;
      const r = await client.request(`{ webhookSubscriptions(first: 100) { nodes { id owner } } }`);
      return r.data.webhookSubscriptions.nodes.map((n: any) => n.id);
    };
    expect(await list(partner("A"))).toEqual([a.id]);
    expect(await list(partner("B"))).toEqual([b.id]);
    expect(await list(null)).toEqual(expect.arrayContaining([a.id, b.id]));

    const one = await env
      .as(partner("B"))
      .request(`query($id: ID!) { webhookSubscription(id: $id) { id } }`, { id: a.id });
    expect(one.data.webhookSubscription).toBeNull();
    for (const [mutation, input] of [
      ["pauseWebhookSubscription", {}],
      ["deleteWebhookSubscription", {}],
      ["updateWebhookSubscription", { eventTypes: ["finance.invoice.issued"] }],
      ["rotateWebhookSecret", {}],
      ["pingWebhookSubscription", {}],
    ] as const) {
      const fields =
        mutation === "pingWebhookSubscription" ? "errors { code field }" : "subscription { id } errors { code field }";
      const refused = await env.mutate(partner("B"), mutation, { subscriptionId: a.id, ...input }, fields);
      expect(refused.errors).toEqual([{ code: "SUBSCRIPTION_NOT_FOUND", field: ["subscriptionId"] }]);
    }
    await env.orderPlaced();
    await env.state.receiver.waitFor("/partner-a", 1);
    const own = await env
      .as(partner("A"))
      .request(`query($s: ID!) { webhookDeliveries(subscriptionId: $s) { nodes { id } } }`, {
        s: a.id,
      });
    expect(own.data.webhookDeliveries.nodes).toHaveLength(1);
    const theirs = await env
      .as(partner("B"))
      .request(`query($s: ID!) { webhookDeliveries(subscriptionId: $s) { nodes { id } } }`, { s: a.id });
    expect(theirs.data.webhookDeliveries.nodes).toEqual([]);
    const redeliver = await env.mutate(
      partner("B"),
      "redeliverWebhook",
      { deliveryId: own.data.webhookDeliveries.nodes[0].id },
      "errors { code field }",
    );
    expect(redeliver.errors).toEqual([{ code: "DELIVERY_NOT_FOUND", field: ["deliveryId"] }]);
    const replay = await env.mutate(
      partner("B"),
      "replayWebhooks",
      { subscriptionId: a.id, from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" },
      "errors { code }",
    );
    expect(replay.errors).toEqual([{ code: "SUBSCRIPTION_NOT_FOUND" }]);
    // Without webhooks:manage, nothing at all.
    const outsider = await env
      .as({ ...partner("C"), scopes: ["sales:read"] })
      .request(`{ webhookSubscriptions { nodes { id } } }`);
    expect(outsider.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("pauses, resumes and deletes as the lifecycle allows", async () => {
    const sub = await env.subscribe("/lifecycle", ["inventory.stock.low"]);
    const move = (mutation: string) =>
      env.mutate(null, mutation, { subscriptionId: sub.id }, "subscription { status version } errors { code }");
    expect(await move("pauseWebhookSubscription")).toEqual({
      subscription: { status: "PAUSED", version: 2 },
      errors: [],
    });
    expect((await move("pauseWebhookSubscription")).errors).toEqual([{ code: "INVALID_STATE_TRANSITION" }]);
    expect((await move("resumeWebhookSubscription")).subscription.status).toBe("ACTIVE");
    const updated = await env.mutate(
      null,
      "updateWebhookSubscription",
      { subscriptionId: sub.id, eventTypes: ["inventory.stock.low", "finance.payment.recorded"], description: "Stock" },
      "subscription { eventTypes version } errors { code }",
    );
    expect(updated.subscription).toEqual({
      eventTypes: ["inventory.stock.low", "finance.payment.recorded"],
      version: 4,
    });
    expect((await move("deleteWebhookSubscription")).subscription.status).toBe("DELETED");
    expect((await move("resumeWebhookSubscription")).errors).toEqual([{ code: "SUBSCRIPTION_NOT_FOUND" }]);
    const listed = await env.client.request(`{ webhookSubscriptions(first: 100) { nodes { id } } }`);
    expect(listed.data.webhookSubscriptions.nodes.map((n: any) => n.id)).not.toContain(sub.id);
  });

  it("refuses private, loopback and link-local URLs and plain http in production, even with loopback allowed", async () => {
    inProduction();
    for (const url of [
      "http://example.com/hook",
      "https://127.0.0.1/hook",
      "https://localhost/hook",
      "https://10.1.2.3/hook",
      "https://192.168.0.10/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "https://user:pw@example.com/hook",
    ]) {
      const refused = await env.mutate(
        null,
        "createWebhookSubscription",
        { url, eventTypes: ["sales.order.placed"] },
        "secret errors { code field }",
      );
      expect(refused, url).toEqual({ secret: null, errors: [{ code: "URL_NOT_ALLOWED", field: ["url"] }] });
    }
    await expect(checkUrl("https://93.184.215.14/hook")).resolves.toMatchObject({
      address: "93.184.215.14",
      family: 4,
    });
  });

  it("allows loopback over http outside production when configured, never a private address", async () => {
    await expect(checkUrl("http://127.0.0.1:9/hook")).resolves.toMatchObject({ address: "127.0.0.1" });
    await expect(checkUrl("https://10.0.0.1/hook")).rejects.toThrow("10.0.0.1 is not a public address");
    await expect(checkUrl("http://169.254.169.254/")).rejects.toThrow("not a public address");
  });

  it("checks the URL again at each delivery: an endpoint allowed before production is refused in it, unsent", async () => {
    const sub = await env.subscribe("/rebound", ["finance.payment.recorded"]);
    inProduction();
    await env.mutate(null, "pingWebhookSubscription", { subscriptionId: sub.id }, "errors { code }");
    const read = () =>
      env.client.request(
        `query($s: ID!) { webhookDeliveries(subscriptionId: $s) { nodes { attempts { statusCode error } } } }`,
        {
          s: sub.id,
        },
      );
    const deadline = Date.now() + 10_000;
    let attempts: any[] = [];
    while (!attempts.length && Date.now() < deadline) {
      attempts = (await read()).data.webhookDeliveries.nodes[0].attempts;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(attempts[0]).toEqual({ statusCode: null, error: "Refused: The URL must use https" });
    expect(env.state.receiver.at("/rebound")).toHaveLength(0);
  });

  it("serves the public catalogue with each payload's JSON Schema, and caps pages", async () => {
    const r = await env.as(partner("A")).request(`{ webhookEventTypes { type version payloadSchema } }`);
    const types = r.data.webhookEventTypes.map((t: any) => t.type);
    expect(types).toEqual([
      "sales.order.placed",
      "sales.order.confirmed",
      "sales.order.rejected",
      "sales.shipment.dispatched",
      "finance.invoice.issued",
      "finance.payment.recorded",
      "inventory.stock.low",
      "finance.reconciliation.alert_raised",
      "webhook.ping",
    ]);
    const schema = JSON.parse(r.data.webhookEventTypes[4].payloadSchema);
    expect(schema).toMatchObject({ type: "object", required: expect.arrayContaining(["invoiceId", "total"]) });
    const tooMany = await env.client.request(`{ webhookSubscriptions(first: 101) { nodes { id } } }`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
