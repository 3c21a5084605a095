import { gzipSync } from "node:zlib";
import type { Database, RunningServer } from "@erp/core";
import { createMigratedDatabase, testDatabaseKind } from "@erp/testing";
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayConfig, loadConfig } from "../src/config.js";
import type { EdgeConfig } from "../src/edge/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";
import { post, type Sent } from "./http.js";

let database: Database;
const servers: RunningServer[] = [];

async function gateway(edge: Partial<EdgeConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const base = loadConfig(env);
  const config: GatewayConfig = {
    ...base,
    host: "127.0.0.1",
    port: 0,
    mode: "single",
    edge: { ...base.edge, rateLimitPerAddressPerMinute: 100_000, ...edge },
  };
  const server = await startGateway({ config, modules: subgraphModules(), database });
  servers.push(server);
  return `http://127.0.0.1:${server.port}/graphql`;
}

let dev: string;
beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  dev = await gateway();
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database?.close();
});

const NORMAL = "{ warehouses { code } }";

/** The refusal is clear, and the very next normal query is answered. */
async function expectRefusedThenServing(sent: Sent, status: number, code: string, url = dev) {
  expect(sent.status).toBe(status);
  expect(sent.body.errors[0].extensions.code).toBe(code);
  expect(sent.text).not.toMatch(/node_modules|\/work\/|at .+\.(js|ts):\d+/);
  const after = await post(url, { query: NORMAL });
  expect([after.status, after.body.errors]).toEqual([200, undefined]);
}

describe(`limits on the gateway on ${testDatabaseKind()}`, () => {
  it("refuses a depth-50 customer → orders → customer query", async () => {
    // 17 × (customer → orders → nodes): 51 levels.
    const query = `{ customer(id: "x") { orders { nodes { ${"customer { orders { nodes { ".repeat(16)} id ${"} } } ".repeat(17)} }`;
    const sent = await post(dev, { query });
    await expectRefusedThenServing(sent, 400, "GRAPHQL_VALIDATION_FAILED");
    expect(sent.body.errors[0].message).toBe("Query depth limit of 12 exceeded, found 52.");
  });

  it("refuses 10,000 aliases before parsing them all, and 31 aliases by count", async () => {
    const many = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: warehouses { code }`).join(" ")} }`;
    const sent = await post(dev, { query: many });
    await expectRefusedThenServing(sent, 400, "GRAPHQL_PARSE_FAILED");
    expect(sent.body.errors[0].extensions.maxTokens).toBe(3000);
    const some = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: warehouses { code }`).join(" ")} }`;
    const counted = await post(dev, { query: some });
    await expectRefusedThenServing(counted, 400, "GRAPHQL_VALIDATION_FAILED");
    expect(counted.body.errors[0].message).toMatch(/Aliases limit of 30/);
  });

  it("refuses the nested products → stockLevels → warehouse query by its estimated cost", async () => {
    const query = `{ products(first: 100) { nodes { stockLevels { warehouse { stockLevels { product { stockLevels { warehouse { stockLevels { onHand } } } } } } } } } }`;
    const sent = await post(dev, { query });
    await expectRefusedThenServing(sent, 400, "QUERY_TOO_COSTLY");
    expect(sent.body.errors[0].extensions).toMatchObject({ maxCost: 25_000 });
    expect(sent.body.errors[0].extensions.cost).toBeGreaterThan(1_000_000);
  });

  it("answers a 5 MB body with 413 in JSON", async () => {
    const sent = await post(dev, { query: NORMAL, variables: { pad: "x".repeat(5 * 1024 * 1024) } });
    await expectRefusedThenServing(sent, 413, "PAYLOAD_TOO_LARGE");
    expect(sent.body.errors[0].extensions.limitBytes).toBe(1_048_576);
  });

  it("refuses 1,000 batched operations", async () => {
    const sent = await post(
      dev,
      Array.from({ length: 1000 }, () => ({ query: NORMAL })),
    );
    expect(sent.status).toBe(400);
    expect(sent.text).toMatch(/batching disabled/i);
    expect((await post(dev, { query: NORMAL })).status).toBe(200);
  });

  it("answers malformed JSON, bad gzip and a bad charset in JSON, without stack or paths", async () => {
    const json = { "content-type": "application/json" };
    const cases = [
      await post(dev, '{"query": "{ warehouses', json),
      await post(dev, Buffer.from("not gzip at all"), { ...json, "content-encoding": "gzip" }),
      await post(dev, gzipSync("{"), { ...json, "content-encoding": "gzip" }),
      await post(dev, "{}", { "content-type": "application/json; charset=klingon" }),
    ];
    expect(cases.map((c) => c.status)).toEqual([400, 400, 400, 415]);
    for (const sent of cases) await expectRefusedThenServing(sent, sent.status, "BAD_REQUEST");
  });

  it("refuses a simple cross-site POST (CSRF prevention)", async () => {
    const sent = await post(dev, JSON.stringify({ query: NORMAL }), { "content-type": "text/plain" });
    expect(sent.status).toBe(400);
    expect(sent.text).toMatch(/CSRF/);
  });

  it("accepts automatic persisted queries", async () => {
    const query = "{ warehouses { name } }";
    const { createHash } = await import("node:crypto");
    const persistedQuery = { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") };
    const unknown = await post(dev, { extensions: { persistedQuery } });
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await post(dev, { query, extensions: { persistedQuery } })).body).toEqual({ data: { warehouses: [] } });
    expect((await post(dev, { extensions: { persistedQuery } })).body).toEqual({ data: { warehouses: [] } });
  });

  it("lets the Sandbox example operations and the introspection query through", async () => {
    const examples = subgraphModules().flatMap((m) => (m.exampleOperation ? [m.exampleOperation] : []));
    expect(examples.length).toBeGreaterThan(0);
    for (const query of [...examples, getIntrospectionQuery()]) {
      const sent = await post(dev, { query });
      expect([sent.status, sent.body.errors]).toEqual([200, undefined]);
    }
  });

  it("answers RATE_LIMITED with Retry-After once a client address is over its limit", async () => {
    const limited = await gateway({ rateLimitPerAddressPerMinute: 3 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(limited, { query: NORMAL }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3]!;
    expect(refused.body.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", limitPerMinute: 3 });
    const retryAfter = refused.body.errors[0].extensions.retryAfterSeconds;
    expect(retryAfter).toBeGreaterThan(0);
    expect(refused.headers.get("retry-after")).toBe(String(retryAfter));
  });

  it("hides field suggestions in production", async () => {
    const prod = await gateway({}, { NODE_ENV: "production" });
    const sent = await post(prod, { query: "{ warehouse { cod } }" });
    expect(sent.body.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(sent.text).not.toMatch(/Did you mean/);
    expect((await post(dev, { query: "{ warehouses { cod } }" })).text).toMatch(/Did you mean/);
  });
});
