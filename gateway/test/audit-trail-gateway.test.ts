import type { Database, RunningServer } from "@erp/core";
import { bearer, createMigratedDatabase, httpClient, newKey, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyVerifier } from "../src/auth/api-keys.js";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";

// The whole path: who the gateway authenticates is who the audit trail names.

let database: Database;
let gateway: RunningServer;

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  gateway = await startGateway({
    config: { ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }), host: "127.0.0.1", port: 0, mode: "single" },
    modules: subgraphModules(),
    database,
    apiKeys: apiKeyVerifier(database.db),
  });
});
afterAll(async () => {
  await gateway?.stop();
  await database?.close();
});

const endpoint = () => `http://127.0.0.1:${gateway.port}/graphql`;

const ISSUE = `mutation($input: IssueApiKeyInput!) { issueApiKey(input: $input) { apiKey { id } secret errors { code } } }`;
const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { id } errors { code } } }`;
const BLOCK = `mutation($input: BlockCustomerInput!) { blockCustomer(input: $input) { customer { status } errors { code } } }`;
const TRAIL = `query($id: ID!) { auditTrail(entityType: "Customer", entityId: $id) {
  nodes { operation requestId actor { subject kind apiKeyId } } } }`;

describe(`auditTrail through the gateway on ${testDatabaseKind()}`, () => {
  it("names the signed-in person and the partner's API key that changed a customer; a viewer is FORBIDDEN", async () => {
    const admin = httpClient(endpoint(), await bearer("ana@erp.local", ["admin"]));
    const issued = await admin.request(ISSUE, {
      input: { idempotencyKey: newKey("issue"), name: "Webshop", scopes: ["crm:read", "crm:write"] },
    });
    const { apiKey, secret } = issued.data.issueApiKey;
    const partner = httpClient(endpoint(), { "x-api-key": secret });

    const registered = await partner.request(
      REGISTER,
      { input: { idempotencyKey: newKey("register"), name: "Via Webshop" } },
      { requestId: "webshop-req-1" },
    );
    const customer = registered.data.registerCustomer.customer;
    const blocked = await admin.request(
      BLOCK,
      { input: { idempotencyKey: newKey("block"), customerId: customer.id, reason: "Unpaid invoices" } },
      { requestId: "ana-req-2" },
    );
    expect(blocked.data.blockCustomer.customer.status).toBe("BLOCKED");

    const operator = httpClient(endpoint(), await bearer("olga@erp.local", ["operator"]));
    const trail = await operator.request(TRAIL, { id: customer.id });
    expect(trail.errors).toBeUndefined();
    expect(trail.data.auditTrail.nodes).toEqual([
      {
        operation: "blockCustomer",
        requestId: "ana-req-2",
        actor: { subject: "ana@erp.local", kind: "PERSON", apiKeyId: null },
      },
      {
        operation: "registerCustomer",
        requestId: "webshop-req-1",
        actor: { subject: `api-key:${apiKey.id}`, kind: "PARTNER", apiKeyId: apiKey.id },
      },
    ]);

    const viewer = httpClient(endpoint(), await bearer("vic@erp.local", ["viewer"]));
    const refused = await viewer.request(TRAIL, { id: customer.id });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(refused.data?.auditTrail ?? null).toBeNull();
  });
});
