import type { Database, RunningServer } from "@erp/core";
import { ensureDevelopmentKey } from "@erp/identity";
import { bearer, createMigratedDatabase, httpClient, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyVerifier } from "../src/auth/api-keys.js";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { assertProductionReady } from "../src/runtime.js";
import { subgraphModules } from "../src/subgraphs.js";

let database: Database;
let gateway: RunningServer;
let admin: ReturnType<typeof httpClient>;
let sequence = 0;

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  const config = { ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }), host: "127.0.0.1", port: 0 };
  gateway = await startGateway({
    config: { ...config, mode: "single" },
    modules: subgraphModules(),
    database,
    apiKeys: apiKeyVerifier(database.db),
    identityDb: database.db,
  });
  admin = httpClient(endpoint(), await bearer("admin@erp.test", ["admin"]));
});
afterAll(async () => {
  await gateway?.stop();
  await database?.close();
});

const endpoint = () => `http://127.0.0.1:${gateway.port}/graphql`;
const asKey = (token: string) => httpClient(endpoint(), { "x-api-key": token });
const CUSTOMERS = "{ customers(first: 1) { nodes { id } } }";

async function issue(scopes: string[], safelistOnly = false): Promise<{ id: string; secret: string }> {
  const result = await admin.request(
    `mutation($i: IssueApiKeyInput!) { issueApiKey(input: $i) { apiKey { id } secret errors { code message } } }`,
    { i: { idempotencyKey: `issue-${++sequence}`, name: `partner ${sequence}`, scopes, safelistOnly } },
  );
  const payload = result.data.issueApiKey;
  expect(payload.errors).toEqual([]);
  return { id: payload.apiKey.id, secret: payload.secret };
}

const code = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe(`partners' API keys at the gateway on ${testDatabaseKind()}`, () => {
  it("lets a partner act within its key's scopes, and says who it is in `me`", async () => {
    const key = await issue(["crm:read"]);
    const partner = asKey(key.secret);
    expect((await partner.request(CUSTOMERS)).errors).toBeUndefined();
    const write = await partner.request(
      `mutation { registerCustomer(input: { idempotencyKey: "p-1", name: "Partner Co" }) { errors { code } } }`,
    );
    expect(code(write)).toBe("FORBIDDEN");
    const me = await partner.request("{ me { kind subject scopes apiKey { id } } }");
    expect(me.data.me).toEqual({
      kind: "PARTNER",
      subject: `api-key:${key.id}`,
      scopes: ["crm:read"],
      apiKey: { id: key.id },
    });
  });

  it("refuses a revoked key on the very next request", async () => {
    const key = await issue(["crm:read"]);
    expect((await asKey(key.secret).request(CUSTOMERS)).errors).toBeUndefined();
    const revoked = await admin.request(
      `mutation($i: RevokeApiKeyInput!) { revokeApiKey(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: `revoke-${key.id}`, id: key.id } },
    );
    expect(revoked.data.revokeApiKey.errors).toEqual([]);
    expect(code(await asKey(key.secret).request(CUSTOMERS))).toBe("UNAUTHENTICATED");
  });

  it("refuses a rotated key's old secret once its grace period is over, and accepts the new one", async () => {
    const key = await issue(["crm:read"]);
    const rotated = await admin.request(
      `mutation($i: RotateApiKeyInput!) { rotateApiKey(input: $i) { secret errors { code } } }`,
      { i: { idempotencyKey: `rotate-${key.id}`, id: key.id, gracePeriodSeconds: 0 } },
    );
    const fresh = rotated.data.rotateApiKey.secret as string;
    expect(fresh).not.toBe(key.secret);
    expect(code(await asKey(key.secret).request(CUSTOMERS))).toBe("UNAUTHENTICATED");
    expect((await asKey(fresh).request(CUSTOMERS)).errors).toBeUndefined();
  });

  it("runs only registered operations for a safelist-only key, by text or by hash", async () => {
    const key = await issue(["crm:read"], true);
    const registered = "query Latest { customers(first: 1) { nodes { id } } }";
    const registration = await admin.request(
      `mutation($i: RegisterPersistedOperationInput!) { registerPersistedOperation(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: `reg-${key.id}`, apiKeyId: key.id, operationId: "Latest", query: registered } },
    );
    expect(registration.data.registerPersistedOperation.errors).toEqual([]);
    const partner = asKey(key.secret);
    expect((await partner.request(registered)).errors).toBeUndefined();
    expect(code(await partner.request(CUSTOMERS))).toBe("OPERATION_NOT_SAFELISTED");
    const { createHash } = await import("node:crypto");
    const sha256Hash = createHash("sha256").update(registered).digest("hex");
    const byHash = await fetch(endpoint(), {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key.secret },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    const body = await byHash.json();
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data.customers.nodes)).toBe(true);
  });

  it("refuses to start in production without an identity provider, with the development key on, or with one active", async () => {
    const production = { ...loadConfig({ NODE_ENV: "production", AUTH_JWT_SECRET: TEST_JWT_SECRET }) };
    await expect(assertProductionReady(production, database)).resolves.toBeUndefined();
    await expect(
      assertProductionReady({ ...production, auth: { ...production.auth, jwt: undefined } }),
    ).rejects.toThrow(/AUTH_JWT_SECRET or AUTH_JWKS_URL/);
    await expect(assertProductionReady({ ...production, developmentKey: true })).rejects.toThrow(/ERP_DEVELOPMENT_KEY/);
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dev = await ensureDevelopmentKey(database.db, `${mkdtempSync(`${tmpdir()}/erp-dev-`)}/key`);
    expect((await asKey(dev.token).request(CUSTOMERS)).errors).toBeUndefined();
    await expect(assertProductionReady(production, database)).rejects.toThrow(/development API key/);
  });
});
