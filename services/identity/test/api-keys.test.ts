import { sql } from "@erp/core";
import { newKey, person, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { ISSUE, useIdentity } from "./harness.js";

const env = useIdentity();

const REVOKE = `mutation($input: RevokeApiKeyInput!) {
  revokeApiKey(input: $input) { apiKey { id status revokedAt } errors { code field message } }
}`;

const ROTATE = `mutation($input: RotateApiKeyInput!) {
  rotateApiKey(input: $input) {
    apiKey { id prefix status rotatedAt previousSecretValidUntil } secret errors { code field message }
  }
}`;

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

describe(`issueApiKey on ${testDatabaseKind()}`, () => {
  it("returns the token once and stores only its hash: the secret is nowhere in identity's tables", async () => {
    const input = { idempotencyKey: newKey(), name: "Acme webshop", scopes: ["crm:read", "sales:*"] };
    const { data } = await env.client.request(ISSUE, { input });
    const { apiKey, secret, errors } = data.issueApiKey;
    expect(errors).toEqual([]);
    expect(apiKey).toMatchObject({ status: "ACTIVE", scopes: ["crm:read", "sales:*"], createdBy: "tester@erp.local" });
    expect(secret).toMatch(new RegExp(`^erp_${apiKey.prefix}_[A-Za-z0-9]{43}$`));
    const secretPart = secret.split("_")[2];
    const stored = await env.everything();
    expect(stored).toContain(apiKey.prefix);
    expect(stored).toContain("issueApiKey"); // the audit record and the idempotency record are in the dump
    expect(stored).not.toContain(secretPart);

    const replay = await env.client.request(ISSUE, { input });
    expect(replay.data.issueApiKey).toEqual({ apiKey, secret: null, errors: [] });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from identity.api_keys where name = 'Acme webshop'`.execute(env.database.db);
    expect(rows[0]!.n).toBe(1);
  });

  it("refuses a key holding more than its issuer holds: an identity admin cannot mint a * key", async () => {
    const admin = env.as(person("keys@erp.test", ["identity:admin", "crm:read"]));
    const before = await env.count("identity.api_keys");
    const wide = await admin.request(ISSUE, {
      input: { idempotencyKey: newKey(), name: "Escalation", scopes: ["crm:read", "*"] },
    });
    expect(wide.data.issueApiKey.errors).toEqual([
      expect.objectContaining({ code: "FORBIDDEN", field: ["scopes", "1"] }),
    ]);
    expect(await env.count("identity.api_keys")).toBe(before);
    const narrow = await admin.request(ISSUE, {
      input: { idempotencyKey: newKey(), name: "Within reach", scopes: ["crm:read"] },
    });
    expect(narrow.data.issueApiKey.errors).toEqual([]);
    expect(await env.count("identity.api_keys")).toBe(before + 1);
  });

  it.each([
    [{ scopes: ["crm:read", "crm:delete"] }, "scopes.1"],
    [{ scopes: ["payroll:*"] }, "scopes.0"],
    [{ scopes: [] }, "scopes"],
    [{ name: " " }, "name"],
    [{ expiresAt: inHours(-1) }, "expiresAt"],
    [{ expiresAt: inHours(24 * 365 * 3 + 48) }, "expiresAt"],
  ])("refuses %j with VALIDATION_FAILED on %s and writes nothing", async (fields, field) => {
    const before = [await env.count("identity.api_keys"), await env.count("identity.audit_log")];
    const { data } = await env.client.request(ISSUE, {
      input: { idempotencyKey: newKey(), name: "Bad", scopes: ["crm:read"], ...fields },
    });
    expect(data.issueApiKey.apiKey).toBeNull();
    expect(data.issueApiKey.secret).toBeNull();
    expect(data.issueApiKey.errors).toContainEqual(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: field.split(".") }),
    );
    expect([await env.count("identity.api_keys"), await env.count("identity.audit_log")]).toEqual(before);
  });

  it("refuses a caller without identity:admin with FORBIDDEN", async () => {
    const reader = env.as({ subject: "auditor", kind: "person", roles: [], scopes: ["identity:read"] });
    const before = await env.count("identity.api_keys");
    const refused = await reader.request(ISSUE, {
      input: { idempotencyKey: newKey(), name: "Nope", scopes: ["crm:read"] },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await env.count("identity.api_keys")).toBe(before);
  });
});

describe(`revokeApiKey and rotateApiKey on ${testDatabaseKind()}`, () => {
  it("revokes an ACTIVE key once; a second revoke is an INVALID_STATE_TRANSITION", async () => {
    const key = await env.issue();
    const first = await env.client.request(REVOKE, { input: { idempotencyKey: newKey(), id: key.id } });
    expect(first.data.revokeApiKey.apiKey).toMatchObject({ id: key.id, status: "REVOKED" });
    expect(first.data.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    const again = await env.client.request(REVOKE, { input: { idempotencyKey: newKey(), id: key.id } });
    expect(again.data.revokeApiKey.errors).toEqual([
      expect.objectContaining({
        code: "INVALID_STATE_TRANSITION",
        message: "ApiKey cannot move from REVOKED to REVOKED",
      }),
    ]);
    const rotate = await env.client.request(ROTATE, { input: { idempotencyKey: newKey(), id: key.id } });
    expect(rotate.data.rotateApiKey.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("refuses an unknown key with API_KEY_NOT_FOUND", async () => {
    const { data } = await env.client.request(REVOKE, {
      input: { idempotencyKey: newKey(), id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(data.revokeApiKey.errors).toEqual([expect.objectContaining({ code: "API_KEY_NOT_FOUND", field: ["id"] })]);
  });

  it("rotates to a new token with the same prefix, once: a replay returns secret null", async () => {
    const key = await env.issue();
    const input = { idempotencyKey: newKey(), id: key.id, gracePeriodSeconds: 600 };
    const { data } = await env.client.request(ROTATE, { input });
    const rotated = data.rotateApiKey;
    expect(rotated.errors).toEqual([]);
    expect(rotated.secret).toMatch(new RegExp(`^erp_${key.prefix}_`));
    expect(rotated.secret).not.toBe(key.token);
    expect(new Date(rotated.apiKey.previousSecretValidUntil).getTime() - Date.now()).toBeGreaterThan(590_000);
    expect(await env.everything()).not.toContain(rotated.secret.split("_")[2]);
    const replay = await env.client.request(ROTATE, { input });
    expect(replay.data.rotateApiKey).toEqual({ ...rotated, secret: null });
  });

  it("reads an ACTIVE key past its expiresAt as EXPIRED and refuses to rotate it", async () => {
    const key = await env.issue({ expiresAt: inHours(1) });
    await sql`update identity.api_keys set expires_at = now() - interval '1 minute' where id = ${key.id}`.execute(
      env.database.db,
    );
    const { data } = await env.client.request(`{ apiKey(id: "${key.id}") { status } }`);
    expect(data.apiKey.status).toBe("EXPIRED");
    const rotate = await env.client.request(ROTATE, { input: { idempotencyKey: newKey(), id: key.id } });
    expect(rotate.data.rotateApiKey).toEqual({
      apiKey: null,
      secret: null,
      errors: [expect.objectContaining({ code: "API_KEY_EXPIRED", field: ["id"] })],
    });
  });

  it.each([-1, 604_801])("refuses a grace period of %i seconds", async (gracePeriodSeconds) => {
    const key = await env.issue();
    const { data } = await env.client.request(ROTATE, {
      input: { idempotencyKey: newKey(), id: key.id, gracePeriodSeconds },
    });
    expect(data.rotateApiKey.errors).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["gracePeriodSeconds"] }),
    ]);
  });

  it("lists keys as a connection with their derived status, to identity:read only", async () => {
    const key = await env.issue({ name: "Listed" });
    const query = `query($first: Int, $after: String) {
      apiKeys(first: $first, after: $after) { nodes { id name status } pageInfo { hasNextPage endCursor } }
    }`;
    const all = await env.client.request(query, { first: 100 });
    expect(all.data.apiKeys.nodes).toContainEqual({ id: key.id, name: "Listed", status: "ACTIVE" });
    const page = await env.client.request(query, { first: 1 });
    expect(page.data.apiKeys.pageInfo.hasNextPage).toBe(true);
    const stranger = env.as({ subject: "clerk", kind: "person", roles: [], scopes: ["crm:read"] });
    const refused = await stranger.request(`{ apiKey(id: "${key.id}") { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
