import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodePrincipal, HEADERS, type Principal, signedHeaders, startSubgraphServer } from "@erp/core";
import { crm } from "@erp/crm";
import { createTestDatabase, httpClient, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Split mode: a subgraph's own port trusts only what the gateway signed.

const SECRET = "a-split-mode-secret-of-at-least-32-characters";
const cfo: Principal = { subject: "cfo@acme.test", kind: "person", roles: ["admin"], scopes: ["*"] };
const REGISTER = `mutation { registerCustomer(input: { idempotencyKey: "forged-1", name: "Forged Ltd" }) { customer { id } } }`;

let server: Awaited<ReturnType<typeof startSubgraphServer>>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const postgres = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const dataDir = postgres ? undefined : mkdtempSync(join(tmpdir(), "erp-signature-"));
  server = await startSubgraphServer(crm, {
    port: 0,
    host: "127.0.0.1",
    databaseUrl: postgres?.url,
    dataDir,
    gatewaySecret: SECRET,
    production: true,
  });
  cleanup = async () => {
    await server.stop();
    await postgres?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
});
afterAll(() => cleanup?.());

const url = () => `http://127.0.0.1:${server.port}/graphql`;
const customers = async () =>
  Number((await server.database.executeRaw("select count(*)::int as n from crm.customers")).rows[0].n);

describe(`a split-mode subgraph server on ${testDatabaseKind()}`, () => {
  it("refuses an invented principal header without a signature, and writes nothing", async () => {
    const forged = httpClient(url(), { [HEADERS.principal]: encodePrincipal(cfo), [HEADERS.requestId]: "r-1" });
    const result = await forged.request(REGISTER);
    expect(result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await customers()).toBe(0);
  });

  it("refuses a signature made with another secret, an expired one, and a principal swapped under a valid one", async () => {
    const wrong = httpClient(url(), {}, { secret: "another-secret-that-is-also-long-enough!!", principal: cfo });
    expect((await wrong.request(REGISTER)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const stale = signedHeaders(SECRET, { principal: cfo, requestId: "r-2" }, Date.now() - 5 * 60_000);
    expect((await httpClient(url(), stale).request(REGISTER)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const valid = signedHeaders(SECRET, { principal: { ...cfo, scopes: ["crm:read"] }, requestId: "r-3" });
    const swapped = { ...valid, [HEADERS.principal]: encodePrincipal(cfo) };
    expect((await httpClient(url(), swapped).request(REGISTER)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await customers()).toBe(0);
  });

  it("answers neither introspection nor _service { sdl } to a direct caller in production", async () => {
    const direct = httpClient(url());
    expect((await direct.request("{ _service { sdl } }")).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const signed = httpClient(url(), {}, { secret: SECRET, principal: cfo });
    const introspection = await signed.request("{ __schema { types { name } } }");
    expect(introspection.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("serves what the gateway signed", async () => {
    const signed = httpClient(url(), {}, { secret: SECRET, principal: cfo });
    const result = await signed.request(REGISTER);
    expect(result.errors).toBeUndefined();
    expect(await customers()).toBe(1);
  });
});
