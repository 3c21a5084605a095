import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Database, RunningServer } from "@erp/core";
import { bearer, createMigratedDatabase, httpClient, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";

let database: Database;
let dev: RunningServer;
let prod: RunningServer;

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  const base = { host: "127.0.0.1", port: 0, mode: "single" as const };
  const auth = { AUTH_JWT_SECRET: TEST_JWT_SECRET };
  dev = await startGateway({ config: { ...loadConfig(auth), ...base }, modules: subgraphModules(), database });
  prod = await startGateway({
    config: { ...loadConfig({ ...auth, NODE_ENV: "production" }), ...base },
    modules: subgraphModules(),
    database,
  });
});
afterAll(async () => {
  await dev?.stop();
  await prod?.stop();
  await database?.close();
});

const url = (server: RunningServer, path = "") => `http://127.0.0.1:${server.port}/${path}`;

describe(`gateway on ${testDatabaseKind()}`, () => {
  it("answers /health and /ready", async () => {
    const health = await fetch(url(dev, "health"));
    const ready = await fetch(url(dev, "ready"));
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    expect([ready.status, await ready.json()]).toEqual([200, { status: "ready" }]);
  });

  it("opens Apollo Sandbox on the root URL in development, with the example operation", async () => {
    const page = await (await fetch(url(dev), { headers: { accept: "text/html" } })).text();
    expect(page).toContain("embeddable-sandbox");
    expect(page).toContain("OrdersAcrossTheGraph");
  });

  it("shows no Sandbox and refuses introspection in production", async () => {
    const landing = await fetch(url(prod), { headers: { accept: "text/html" } });
    expect(landing.headers.get("content-type")).not.toMatch(/text\/html/);
    expect(await landing.text()).not.toMatch(/sandbox|landingPage/i);
    const client = httpClient(url(prod, "graphql"), await bearer());
    const result = await client.request("{ __schema { types { name } } }");
    expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    const dev = await client.request("{ customers { nodes { id } } }");
    expect(dev.errors).toBeUndefined();
  });

  it("echoes the caller's request id and quotes it in masked errors", async () => {
    const response = await fetch(url(dev, "graphql"), {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "partner-req-42", ...(await bearer()) },
      body: JSON.stringify({ query: '{ customers(after: "nope") { nodes { id } } }' }),
    });
    expect(response.headers.get("x-request-id")).toBe("partner-req-42");
    const body = await response.json();
    expect(body.errors[0].extensions).toEqual({ code: "BAD_USER_INPUT", requestId: "partner-req-42" });
  });

  it("serves fields that declare @requiresScopes and @authenticated (Apollo Gateway refuses their SECURITY links)", async () => {
    const client = httpClient(url(dev, "graphql"), await bearer("ana@erp.local", ["auditor"]));
    const result = await client.request("{ me { subject kind } apiKeys { nodes { id } } }");
    expect(result).toEqual({ data: { me: { subject: "ana@erp.local", kind: "PERSON" }, apiKeys: { nodes: [] } } });
    const anonymous = await httpClient(url(dev, "graphql")).request("{ me { kind } }");
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});

describe("the erp CLI", () => {
  it("explains its commands with --help", () => {
    const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", cli, "--help"], { encoding: "utf8" });
    for (const command of ["start", "compose", "migrate", "seed"]) expect(out).toContain(`  ${command}`);
  });
});
