import { createHash } from "node:crypto";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { findPersistedOperation } from "../src/index.js";
import { useIdentity } from "./harness.js";

const env = useIdentity();

const REGISTER = `mutation($input: RegisterPersistedOperationInput!) {
  registerPersistedOperation(input: $input) {
    persistedOperation { operationId sha256 query apiKey { id } }
    errors { code field message }
  }
}`;

const UNREGISTER = `mutation($input: UnregisterPersistedOperationInput!) {
  unregisterPersistedOperation(input: $input) { persistedOperation { operationId } errors { code field } }
}`;

const QUERY = "query OpenOrders { salesOrders(first: 10) { nodes { id } } }";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const register = (apiKeyId: string, operationId: string, query = QUERY) =>
  env.client.request(REGISTER, { input: { idempotencyKey: newKey(), apiKeyId, operationId, query } });

describe(`persisted operations on ${testDatabaseKind()}`, () => {
  it("registers an operation with its SHA-256 and finds it by id and by hash, for its key only", async () => {
    const key = await env.issue({ safelistOnly: true });
    const other = await env.issue();
    const { data } = await register(key.id, "listOpenOrders");
    expect(data.registerPersistedOperation).toEqual({
      persistedOperation: {
        operationId: "listOpenOrders",
        sha256: sha256(QUERY),
        query: QUERY,
        apiKey: { id: key.id },
      },
      errors: [],
    });
    const expected = { operationId: "listOpenOrders", query: QUERY, sha256: sha256(QUERY) };
    expect(await findPersistedOperation(env.database.db, key.id, { operationId: "listOpenOrders" })).toEqual(expected);
    expect(await findPersistedOperation(env.database.db, key.id, { sha256: sha256(QUERY) })).toEqual(expected);
    expect(await findPersistedOperation(env.database.db, key.id, { sha256: sha256(`${QUERY} `) })).toBeNull();
    expect(await findPersistedOperation(env.database.db, other.id, { operationId: "listOpenOrders" })).toBeNull();
    expect(await findPersistedOperation(env.database.db, "not-a-uuid", { operationId: "listOpenOrders" })).toBeNull();
  });

  it("refuses a taken id, a duplicate query, an unparsable query and an unknown key", async () => {
    const key = await env.issue({ safelistOnly: true });
    await register(key.id, "first");
    const cases = [
      [
        await register(key.id, "first", "{ customers { nodes { id } } }"),
        "PERSISTED_OPERATION_ID_TAKEN",
        "operationId",
      ],
      [await register(key.id, "second"), "PERSISTED_OPERATION_ALREADY_REGISTERED", "query"],
      [await register(key.id, "third", "query {"), "VALIDATION_FAILED", "query"],
      [await register(key.id, "1bad"), "VALIDATION_FAILED", "operationId"],
      [await register("00000000-0000-4000-8000-000000000000", "x"), "API_KEY_NOT_FOUND", "apiKeyId"],
    ] as const;
    for (const [result, code, field] of cases)
      expect(result.data.registerPersistedOperation.errors).toEqual([
        expect.objectContaining({ code, field: [field] }),
      ]);
  });

  it("lists a key's operations and unregisters one", async () => {
    const key = await env.issue({ safelistOnly: true });
    await register(key.id, "a", "{ a: __typename }");
    await register(key.id, "b", "{ b: __typename }");
    const list = `{ persistedOperations(apiKeyId: "${key.id}") { nodes { operationId } } }`;
    expect((await env.client.request(list)).data.persistedOperations.nodes).toEqual([
      { operationId: "a" },
      { operationId: "b" },
    ]);
    const removed = await env.client.request(UNREGISTER, {
      input: { idempotencyKey: newKey(), apiKeyId: key.id, operationId: "a" },
    });
    expect(removed.data.unregisterPersistedOperation).toEqual({ persistedOperation: { operationId: "a" }, errors: [] });
    expect((await env.client.request(list)).data.persistedOperations.nodes).toEqual([{ operationId: "b" }]);
    expect(await findPersistedOperation(env.database.db, key.id, { operationId: "a" })).toBeNull();
    const missing = await env.client.request(UNREGISTER, {
      input: { idempotencyKey: newKey(), apiKeyId: key.id, operationId: "a" },
    });
    expect(missing.data.unregisterPersistedOperation.errors).toEqual([
      { code: "PERSISTED_OPERATION_NOT_FOUND", field: ["operationId"] },
    ]);
  });
});
