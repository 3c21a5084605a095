import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isUuid, logger, type MaintenanceScope, runMaintenance, sql } from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { apiKeyStatus, insertKey, toApiKey } from "./api-key.js";
import type { ApiKeysTable, IdentityDatabase } from "./db.js";
import { hashSecret, parseToken, sameHash } from "./token.js";

/** What the gateway learns from a valid API key, to build a partner principal. */
export interface AuthenticatedKey {
  keyId: string;
  name: string;
  prefix: string;
  scopes: string[];
  safelistOnly: boolean;
}

export interface PersistedOperationRef {
  operationId?: string;
  sha256?: string;
}

// The gateway holds a Kysely<unknown> over every schema; these functions read identity's tables only.
const identityDb = <DB>(db: Kysely<DB>) => db as unknown as Kysely<IdentityDatabase>;

const LAST_USED_RESOLUTION_MS = 60_000;

/** The key row a token belongs to, if the token is valid at `now`; touches nothing. */
async function verifyToken(
  db: Kysely<IdentityDatabase>,
  token: string,
  now: Date,
): Promise<Selectable<ApiKeysTable> | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const row = await db
    .selectFrom("identity.api_keys")
    .selectAll()
    .where("prefix", "=", parsed.prefix)
    .executeTakeFirst();
  if (!row || apiKeyStatus(toApiKey(row), now) !== "ACTIVE") return null;
  const hash = hashSecret(parsed.secret);
  if (sameHash(hash, row.secret_hash)) return row;
  const inGrace = row.previous_valid_until !== null && now < new Date(row.previous_valid_until);
  return inGrace && row.previous_secret_hash !== null && sameHash(hash, row.previous_secret_hash) ? row : null;
}

/**
 * The key behind a bearer token, or null for a malformed, unknown, revoked or expired key, or
 * a previous secret past its rotation grace. Records lastUsedAt at most once a minute per key.
 */
export async function authenticateApiKey<DB>(
  db: Kysely<DB>,
  token: string,
  now: Date = new Date(),
): Promise<AuthenticatedKey | null> {
  const row = await verifyToken(identityDb(db), token, now);
  if (!row) return null;
  await touch(identityDb(db), row, now);
  return {
    keyId: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    safelistOnly: row.safelist_only,
  };
}

/** Most requests write nothing; the condition in SQL keeps concurrent requests to one write. */
async function touch(db: Kysely<IdentityDatabase>, row: Selectable<ApiKeysTable>, now: Date): Promise<void> {
  const last = row.last_used_at ? new Date(row.last_used_at).getTime() : null;
  if (last !== null && now.getTime() - last < LAST_USED_RESOLUTION_MS) return;
  const threshold = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  try {
    await db
      .updateTable("identity.api_keys")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", threshold)]))
      .execute();
  } catch (error) {
    logger.warn({ err: error, apiKeyPrefix: row.prefix }, "could not record an API key's last use");
  }
}

/** A safelisted operation of a key, by its id or by the SHA-256 of its text. */
export async function findPersistedOperation<DB>(
  db: Kysely<DB>,
  keyId: string,
  ref: PersistedOperationRef,
): Promise<{ operationId: string; query: string; sha256: string } | null> {
  if (!isUuid(keyId) || (!ref.operationId && !ref.sha256)) return null;
  let query = identityDb(db)
    .selectFrom("identity.persisted_operations")
    .select(["operation_id", "query", "sha256"])
    .where("api_key_id", "=", keyId);
  if (ref.operationId) query = query.where("operation_id", "=", ref.operationId);
  if (ref.sha256) query = query.where("sha256", "=", ref.sha256.toLowerCase());
  const row = await query.executeTakeFirst();
  return row ? { operationId: row.operation_id, query: row.query, sha256: row.sha256 } : null;
}

/** ACTIVE, unexpired development keys; production refuses to start while there is one. */
export async function activeDevelopmentKeys<DB>(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from identity.api_keys
    where development and status = 'ACTIVE' and (expires_at is null or expires_at > now())`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Development: the gateway's own key holding "*", its token kept in `secretFile` (mode 0600) so
 * every start shows the same one. A missing file or a dead key means a new key; the old ones
 * are revoked. Not for production: see activeDevelopmentKeys.
 */
export async function ensureDevelopmentKey<DB>(
  db: Kysely<DB>,
  secretFile: string,
): Promise<{ token: string; created: boolean }> {
  const kept = existsSync(secretFile) ? readFileSync(secretFile, "utf8").trim() : "";
  const row = kept ? await verifyToken(identityDb(db), kept, new Date()) : null;
  if (row?.development) return { token: kept, created: false };
  const token = await issueDevelopmentKey(identityDb(db));
  mkdirSync(dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, `${token}\n`, { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  return { token, created: true };
}

/** Start-up and operator work on development keys: one transaction, audited as the system. */
const maintainKeys = <T>(
  db: Kysely<IdentityDatabase>,
  operation: string,
  work: (scope: MaintenanceScope<IdentityDatabase>) => Promise<T>,
) => runMaintenance(db, { domain: "identity", operation, requestId: "gateway-start" }, work);

async function revokeDevelopment(scope: MaintenanceScope<IdentityDatabase>): Promise<number> {
  const revoked = await scope.trx
    .updateTable("identity.api_keys")
    .set((eb) => ({ status: "REVOKED", revoked_at: new Date(), version: eb("version", "+", 1) }))
    .where("development", "=", true)
    .where("status", "=", "ACTIVE")
    .returning(["id", "prefix"])
    .execute();
  for (const old of revoked) await scope.audit("ApiKey", old.id, { prefix: old.prefix, revoked: true });
  return revoked.length;
}

/** Revokes every development key: what an operator runs before starting in production. */
export async function revokeDevelopmentKeys<DB>(db: Kysely<DB>): Promise<number> {
  return maintainKeys(identityDb(db), "revokeDevelopmentKeys", revokeDevelopment);
}

async function issueDevelopmentKey(db: Kysely<IdentityDatabase>): Promise<string> {
  return maintainKeys(db, "ensureDevelopmentKey", async (scope) => {
    await revokeDevelopment(scope);
    const issued = await insertKey(scope.trx, {
      name: "development",
      scopes: ["*"],
      safelist_only: false,
      development: true,
      expires_at: null,
      created_by: "system",
    });
    await scope.audit("ApiKey", issued.apiKey.id, {
      name: "development",
      prefix: issued.apiKey.prefix,
      scopes: ["*"],
    });
    return issued.token;
  });
}
