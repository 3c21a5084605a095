import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "@erp/core";
import { testDatabaseKind } from "@erp/testing";
import { afterAll, describe, expect, it } from "vitest";
import { activeDevelopmentKeys, authenticateApiKey, ensureDevelopmentKey } from "../src/index.js";
import { useIdentity } from "./harness.js";

const env = useIdentity();
const folder = mkdtempSync(join(tmpdir(), "identity-dev-key-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function developmentKeys() {
  const { rows } = await sql<{ status: string; name: string; scopes: string[] }>`
    select status, name, scopes from identity.api_keys where development order by seq`.execute(env.database.db);
  return rows;
}

describe(`ensureDevelopmentKey on ${testDatabaseKind()}`, () => {
  it("creates one key holding * on the first start and shows the same token on the next", async () => {
    const file = join(folder, "nested", "dev-key");
    expect(await activeDevelopmentKeys(env.database.db)).toBe(0);
    const first = await ensureDevelopmentKey(env.database.db, file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await authenticateApiKey(env.database.db, first.token)).toMatchObject({
      name: "development",
      scopes: ["*"],
    });
    const second = await ensureDevelopmentKey(env.database.db, file);
    expect(second).toEqual({ token: first.token, created: false });
    expect(await developmentKeys()).toEqual([{ status: "ACTIVE", name: "development", scopes: ["*"] }]);
    expect(await activeDevelopmentKeys(env.database.db)).toBe(1);
    expect(await env.everything()).not.toContain(first.token.split("_")[2]);
  });

  it("issues a new key and revokes the old one when the file is gone", async () => {
    const file = join(folder, "dev-key-2");
    const before = await ensureDevelopmentKey(env.database.db, file);
    rmSync(file);
    const after = await ensureDevelopmentKey(env.database.db, file);
    expect(after.created).toBe(true);
    expect(after.token).not.toBe(before.token);
    expect(await authenticateApiKey(env.database.db, before.token)).toBeNull();
    expect(await authenticateApiKey(env.database.db, after.token)).not.toBeNull();
    expect(await activeDevelopmentKeys(env.database.db)).toBe(1);
    const prefix = before.token.split("_")[1]!;
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from identity.audit_log
      where operation = 'ensureDevelopmentKey' and details->>'prefix' = ${prefix} and details->>'revoked' = 'true'`.execute(
      env.database.db,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it("issues a new key when the kept key was revoked", async () => {
    const file = join(folder, "dev-key-3");
    const before = await ensureDevelopmentKey(env.database.db, file);
    await sql`update identity.api_keys set status = 'REVOKED', revoked_at = now() where development`.execute(
      env.database.db,
    );
    expect(await activeDevelopmentKeys(env.database.db)).toBe(0);
    const after = await ensureDevelopmentKey(env.database.db, file);
    expect(after.created).toBe(true);
    expect(after.token).not.toBe(before.token);
    expect(await activeDevelopmentKeys(env.database.db)).toBe(1);
  });
});
