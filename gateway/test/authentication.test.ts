import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database, RunningServer } from "@erp/core";
import { createMigratedDatabase, httpClient, signToken, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";

const ISSUER = "https://id.example.test/";
const AUDIENCE = "erp-api";

let database: Database;
let gateway: RunningServer;
let jwksGateway: RunningServer;
let jwksServer: Server;
let signer: Awaited<ReturnType<typeof generateKeyPair>>;

async function serveJwks(): Promise<string> {
  signer = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(signer.publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
  jwksServer = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
}

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  const base = { host: "127.0.0.1", port: 0, mode: "single" as const };
  const env = {
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    AUTH_ROLE_SCOPES: JSON.stringify({ "crm-only": ["crm:read"] }),
  };
  gateway = await startGateway({ config: { ...loadConfig(env), ...base }, modules: subgraphModules(), database });
  const jwks = { AUTH_JWKS_URL: await serveJwks(), AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };
  jwksGateway = await startGateway({ config: { ...loadConfig(jwks), ...base }, modules: subgraphModules(), database });
});
afterAll(async () => {
  await gateway?.stop();
  await jwksGateway?.stop();
  jwksServer?.close();
  await database?.close();
});

const endpoint = (server: RunningServer) => `http://127.0.0.1:${server.port}/graphql`;
const CUSTOMERS = "{ customers(first: 1) { nodes { id } } }";
const REGISTER = `mutation { registerCustomer(input: { idempotencyKey: "auth-1", name: "Acme", email: "a@acme.test" }) { customer { id } errors { code } } }`;
const valid = { issuer: ISSUER, audience: AUDIENCE };

async function withToken(token: string, query = CUSTOMERS, server = gateway) {
  const response = await fetch(endpoint(server), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}

const customerCount = async () =>
  Number((await database.executeRaw("select count(*)::int as n from crm.customers")).rows[0].n);

describe(`authentication at the gateway on ${testDatabaseKind()}`, () => {
  it("refuses an anonymous caller: UNAUTHENTICATED, and an anonymous registerCustomer writes nothing", async () => {
    const anonymous = httpClient(endpoint(gateway));
    expect((await anonymous.request(CUSTOMERS)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const before = await customerCount();
    const result = await anonymous.request(REGISTER);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await customerCount()).toBe(before);
  });

  it("accepts a valid token and maps its roles to scopes", async () => {
    const token = await signToken({ sub: "viewer@acme.test", roles: ["viewer"] }, valid);
    const read = await withToken(token);
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    const write = await withToken(token, REGISTER);
    expect(write.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await customerCount()).toBe(0);
  });

  it.each([
    ["expired", () => signToken({ sub: "a", roles: ["admin"] }, { ...valid, expiresIn: -120 })],
    ["not yet valid", () => signToken({ sub: "a", roles: ["admin"] }, { ...valid, notBefore: 600 })],
    ["forged (another secret)", () => signToken({ sub: "a", roles: ["admin"] }, { ...valid, secret: "x".repeat(48) })],
    [
      "from another issuer",
      () => signToken({ sub: "a", roles: ["admin"] }, { ...valid, issuer: "https://evil.test/" }),
    ],
    ["for another audience", () => signToken({ sub: "a", roles: ["admin"] }, { ...valid, audience: "other-api" })],
    ["malformed", async () => "not.a.token"],
  ])("refuses a token that is %s with 401 UNAUTHENTICATED", async (_, make) => {
    const refused = await withToken(await make());
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(refused.body.data ?? null).toBeNull();
  });

  it("tolerates a small clock skew but no more", async () => {
    const justExpired = await signToken({ sub: "a", roles: ["admin"] }, { ...valid, expiresIn: -5 });
    expect((await withToken(justExpired)).status).toBe(200);
    const pastTheSkew = await signToken({ sub: "a", roles: ["admin"] }, { ...valid, expiresIn: -60 });
    expect((await withToken(pastTheSkew)).status).toBe(401);
  });

  it("checks fields another domain adds with that domain's read scope (Customer.balance needs finance:read)", async () => {
    const admin = httpClient(endpoint(gateway), {
      authorization: `Bearer ${await signToken({ sub: "admin@acme.test", roles: ["admin"] }, valid)}`,
    });
    const register = await admin.request(REGISTER.replace("auth-1", "auth-2"));
    expect(register.errors, JSON.stringify(register.errors)).toBeUndefined();
    const id = register.data.registerCustomer.customer.id;
    const query = `{ customer(id: "${id}") { name balance { amount } } }`;
    const viewer = await withToken(await signToken({ sub: "v@acme.test", roles: ["viewer"] }, valid), query);
    expect(viewer.body.errors).toBeUndefined();
    const crmToken = await signToken({ sub: "c@acme.test", roles: ["crm-only"] }, valid);
    const name = await withToken(crmToken, `{ customer(id: "${id}") { name } }`);
    expect(name.body.data.customer.name).toBe("Acme");
    const crmOnly = await withToken(crmToken, query);
    // balance is non-null, so the refusal nulls the customer it belongs to.
    expect(crmOnly.body.data.customer).toBeNull();
    expect(crmOnly.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(crmOnly.body.errors?.[0]?.message).toContain("finance:read");
  });

  it("accepts an RS256 token from the identity provider's JWKS, and refuses one signed by an unknown key", async () => {
    const sign = (key: CryptoKey | Uint8Array, kid: string) =>
      new SignJWT({ roles: ["viewer"] })
        .setProtectedHeader({ alg: "RS256", kid })
        .setSubject("jwks@acme.test")
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime("5m")
        .sign(key);
    const accepted = await withToken(await sign(signer.privateKey, "key-1"), CUSTOMERS, jwksGateway);
    expect(accepted.body.errors).toBeUndefined();
    const stranger = await generateKeyPair("RS256");
    const refused = await withToken(await sign(stranger.privateKey, "key-1"), CUSTOMERS, jwksGateway);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const hs = await signToken({ sub: "a", roles: ["admin"] }, valid);
    expect((await withToken(hs, CUSTOMERS, jwksGateway)).status).toBe(401);
  });
});
