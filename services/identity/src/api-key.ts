import {
  type ActionScope,
  defineStateMachine,
  fields,
  hasScope,
  isKnownScope,
  KernelErrorCode,
  type Principal,
  parseInput,
} from "@erp/core";
import type { Insertable, Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { ApiKeyState, ApiKeysTable, IdentityDatabase } from "./db.js";
import { IdentityErrorCode, notFound, refuse } from "./errors.js";
import { newToken } from "./token.js";

/** A key is revoked for good; ACTIVE → ACTIVE is a rotation. EXPIRED is derived from expiresAt. */
export const apiKeyLifecycle = defineStateMachine<ApiKeyState>("ApiKey", {
  ACTIVE: ["ACTIVE", "REVOKED"],
  REVOKED: [],
});

export type ApiKeyStatus = ApiKeyState | "EXPIRED";

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  state: ApiKeyState;
  safelistOnly: boolean;
  development: boolean;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  rotatedAt: string | null;
  previousSecretValidUntil: string | null;
  revokedAt: string | null;
}

/** A key with the token that was just minted for it; the token must never be stored. */
export interface IssuedKey {
  apiKey: ApiKey;
  token: string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    state: row.status,
    safelistOnly: row.safelist_only,
    development: row.development,
    createdAt: iso(row.created_at)!,
    createdBy: row.created_by,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    rotatedAt: iso(row.rotated_at),
    previousSecretValidUntil: iso(row.previous_valid_until),
    revokedAt: iso(row.revoked_at),
  };
}

/** ACTIVE keys past their expiry read as EXPIRED. */
export function apiKeyStatus(key: Pick<ApiKey, "state" | "expiresAt">, now = new Date()): ApiKeyStatus {
  if (key.state === "ACTIVE" && key.expiresAt !== null && new Date(key.expiresAt) <= now) return "EXPIRED";
  return key.state;
}

const MAX_LIFETIME_MS = 3 * 365.25 * 24 * 3600 * 1000;

const issueSchema = (now: Date) =>
  z.object({
    name: fields.text("Name", 100),
    scopes: z
      .array(z.string().refine(isKnownScope, (scope) => ({ message: `Unknown scope ${JSON.stringify(scope)}` })))
      .min(1, "A key needs at least one scope")
      .max(50, "A key holds at most 50 scopes")
      .transform((scopes) => [...new Set(scopes)]),
    expiresAt: z
      .union([z.string(), z.date()])
      .nullish()
      .transform((v) => (v ? new Date(v) : null))
      .refine((d) => d === null || !Number.isNaN(d.getTime()), "expiresAt must be a date and time")
      .refine((d) => d === null || d > now, "expiresAt must be in the future")
      .refine((d) => d === null || d.getTime() - now.getTime() <= MAX_LIFETIME_MS, "expiresAt must be within 3 years"),
    safelistOnly: z
      .boolean()
      .nullish()
      .transform((v) => v ?? false),
  });

export type IssueApiKeyInput = z.input<ReturnType<typeof issueSchema>>;

/** No one hands out more than they hold: an identity admin without "*" cannot mint a "*" key. */
function assertDelegable(actor: Principal, scopes: string[]): void {
  const index = scopes.findIndex((scope) => !hasScope(actor, scope));
  if (index >= 0)
    refuse(
      KernelErrorCode.FORBIDDEN,
      `A key cannot hold ${scopes[index]}: you do not hold it yourself`,
      `scopes.${index}`,
    );
}

/** Mints a key and its token; only the hash of the secret reaches the database. */
export async function issueApiKey(s: ActionScope<IdentityDatabase>, input: IssueApiKeyInput): Promise<IssuedKey> {
  const data = parseInput(issueSchema(new Date()), input);
  assertDelegable(s.actor, data.scopes);
  const issued = await insertKey(s.trx, {
    name: data.name,
    scopes: data.scopes,
    expires_at: data.expiresAt,
    safelist_only: data.safelistOnly,
    created_by: s.actor.subject,
  });
  await s.audit("ApiKey", issued.apiKey.id, {
    name: data.name,
    prefix: issued.apiKey.prefix,
    scopes: data.scopes,
    expiresAt: issued.apiKey.expiresAt,
    safelistOnly: data.safelistOnly,
  });
  return issued;
}

type NewKeyRow = Omit<Insertable<ApiKeysTable>, "prefix" | "secret_hash">;

/** Inserts a key row with a fresh token; shared by issueApiKey and the development key. */
export async function insertKey(trx: Transaction<IdentityDatabase>, row: NewKeyRow): Promise<IssuedKey> {
  const minted = newToken();
  const inserted = await trx
    .insertInto("identity.api_keys")
    .values({ ...row, prefix: minted.prefix, secret_hash: minted.hash })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { apiKey: toApiKey(inserted), token: minted.token };
}

const idSchema = z.object({ id: fields.id("id") });

async function lockKey(trx: Transaction<IdentityDatabase>, id: string) {
  const row = await trx.selectFrom("identity.api_keys").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(IdentityErrorCode.API_KEY_NOT_FOUND, "API key", "id");
}

export async function revokeApiKey(s: ActionScope<IdentityDatabase>, input: { id: string }): Promise<ApiKey> {
  const { id } = parseInput(idSchema, input);
  const row = await lockKey(s.trx, id);
  apiKeyLifecycle.assertTransition(row.status, "REVOKED");
  const updated = await s.trx
    .updateTable("identity.api_keys")
    .set((eb) => ({ status: "REVOKED", revoked_at: new Date(), version: eb("version", "+", 1) }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await s.audit("ApiKey", id, { prefix: row.prefix });
  return toApiKey(updated);
}

const SEVEN_DAYS = 7 * 24 * 3600;

const rotateSchema = z.object({
  id: fields.id("id"),
  gracePeriodSeconds: z
    .number()
    .int("gracePeriodSeconds must be a whole number")
    .min(0, "gracePeriodSeconds must not be negative")
    .max(SEVEN_DAYS, `gracePeriodSeconds must be at most ${SEVEN_DAYS} (7 days)`)
    .nullish()
    .transform((v) => v ?? 86_400),
});

/** New secret, same key: the old secret lives on for the grace period so partners can switch over. */
export async function rotateApiKey(
  s: ActionScope<IdentityDatabase>,
  input: { id: string; gracePeriodSeconds?: number | null },
): Promise<IssuedKey> {
  const { id, gracePeriodSeconds } = parseInput(rotateSchema, input);
  const row = await lockKey(s.trx, id);
  apiKeyLifecycle.assertTransition(row.status, "ACTIVE");
  const now = new Date();
  if (apiKeyStatus(toApiKey(row), now) === "EXPIRED")
    refuse(IdentityErrorCode.API_KEY_EXPIRED, "An expired key cannot be rotated; issue a new one", "id");
  const minted = newToken(row.prefix);
  const graceUntil = gracePeriodSeconds > 0 ? new Date(now.getTime() + gracePeriodSeconds * 1000) : null;
  const updated = await s.trx
    .updateTable("identity.api_keys")
    .set((eb) => ({
      secret_hash: minted.hash,
      previous_secret_hash: graceUntil ? row.secret_hash : null,
      previous_valid_until: graceUntil,
      rotated_at: now,
      version: eb("version", "+", 1),
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await s.audit("ApiKey", id, { prefix: row.prefix, gracePeriodSeconds });
  return { apiKey: toApiKey(updated), token: minted.token };
}

/** A key that exists and is not REVOKED; for actions on a key's safelist. */
export async function usableKey(trx: Transaction<IdentityDatabase>, id: string, field: string): Promise<ApiKey> {
  const row = await trx.selectFrom("identity.api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) notFound(IdentityErrorCode.API_KEY_NOT_FOUND, "API key", field);
  if (row.status === "REVOKED") refuse(IdentityErrorCode.API_KEY_REVOKED, "The API key is revoked", field);
  return toApiKey(row);
}
