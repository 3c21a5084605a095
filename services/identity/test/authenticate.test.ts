import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "../src/index.js";
import { useIdentity } from "./harness.js";

const env = useIdentity();

const later = (ms: number) => new Date(Date.now() + ms);

async function lastUsedAt(id: string): Promise<Date | null> {
  const { rows } = await sql<{ at: Date | null }>`
    select last_used_at as at from identity.api_keys where id = ${id}`.execute(env.database.db);
  return rows[0]!.at === null ? null : new Date(rows[0]!.at);
}

/** Changes one character of the secret, keeping the token well-formed. */
function tamper(token: string): string {
  const last = token.at(-1) === "A" ? "B" : "A";
  return token.slice(0, -1) + last;
}

describe(`authenticateApiKey on ${testDatabaseKind()}`, () => {
  it("accepts the token with the key's scopes and refuses a tampered, malformed or unknown one", async () => {
    const key = await env.issue({ name: "Partner A", scopes: ["crm:read", "sales:write"], safelistOnly: true });
    expect(await authenticateApiKey(env.database.db, key.token)).toEqual({
      keyId: key.id,
      name: "Partner A",
      prefix: key.prefix,
      scopes: ["crm:read", "sales:write"],
      safelistOnly: true,
    });
    expect(await authenticateApiKey(env.database.db, tamper(key.token))).toBeNull();
    expect(await authenticateApiKey(env.database.db, `${key.token}x`)).toBeNull();
    expect(await authenticateApiKey(env.database.db, "")).toBeNull();
    expect(await authenticateApiKey(env.database.db, `erp_ZZZZZZZZ_${key.token.split("_")[2]}`)).toBeNull();
  });

  it("refuses a key once it is revoked", async () => {
    const key = await env.issue();
    expect(await authenticateApiKey(env.database.db, key.token)).not.toBeNull();
    await env.client.request(
      `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { errors { code } } }`,
      { input: { idempotencyKey: newKey(), id: key.id } },
    );
    expect(await authenticateApiKey(env.database.db, key.token)).toBeNull();
  });

  it("refuses a key after its expiresAt", async () => {
    const expiresAt = later(3600_000);
    const key = await env.issue({ expiresAt: expiresAt.toISOString() });
    expect(await authenticateApiKey(env.database.db, key.token, later(3500_000))).not.toBeNull();
    expect(await authenticateApiKey(env.database.db, key.token, later(3700_000))).toBeNull();
    const status = await env.client.request(`{ apiKey(id: "${key.id}") { status } }`);
    expect(status.data.apiKey.status).toBe("ACTIVE");
  });

  it("accepts the old secret during the rotation grace, refuses it after, and accepts the new one", async () => {
    const key = await env.issue();
    const { data } = await env.client.request(
      `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { secret errors { code } } }`,
      { input: { idempotencyKey: newKey(), id: key.id, gracePeriodSeconds: 3600 } },
    );
    const fresh = data.rotateApiKey.secret as string;
    expect(await authenticateApiKey(env.database.db, key.token, later(60_000))).not.toBeNull();
    expect(await authenticateApiKey(env.database.db, key.token, later(3660_000))).toBeNull();
    expect(await authenticateApiKey(env.database.db, fresh, later(3660_000))).toMatchObject({ keyId: key.id });
  });

  it("refuses the old secret at once after a rotation with no grace", async () => {
    const key = await env.issue();
    await env.client.request(
      `mutation($input: RotateApiKeyInput!) { rotateApiKey(input: $input) { errors { code } } }`,
      { input: { idempotencyKey: newKey(), id: key.id, gracePeriodSeconds: 0 } },
    );
    expect(await authenticateApiKey(env.database.db, key.token)).toBeNull();
  });

  it("records lastUsedAt, at most once a minute", async () => {
    const key = await env.issue();
    expect(await lastUsedAt(key.id)).toBeNull();
    const first = later(1000);
    await authenticateApiKey(env.database.db, key.token, first);
    expect(await lastUsedAt(key.id)).toEqual(first);
    await authenticateApiKey(env.database.db, key.token, later(30_000));
    expect(await lastUsedAt(key.id)).toEqual(first);
    const minuteLater = later(62_000);
    await authenticateApiKey(env.database.db, key.token, minuteLater);
    expect(await lastUsedAt(key.id)).toEqual(minuteLater);
  });
});
