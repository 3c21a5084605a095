import { type ActionScope, fields, parseInput } from "@erp/core";
import { parse } from "graphql";
import type { Selectable } from "kysely";
import { z } from "zod";
import { usableKey } from "./api-key.js";
import type { IdentityDatabase, PersistedOperationsTable } from "./db.js";
import { IdentityErrorCode, notFound } from "./errors.js";
import { sha256Hex } from "./token.js";

export interface PersistedOperation {
  id: string;
  apiKeyId: string;
  operationId: string;
  query: string;
  sha256: string;
  createdAt: string;
  createdBy: string;
}

export function toPersistedOperation(row: Selectable<PersistedOperationsTable>): PersistedOperation {
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    operationId: row.operation_id,
    query: row.query,
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

const OPERATION_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

const operationId = () =>
  z
    .string()
    .regex(OPERATION_ID, "operationId must be 1 to 100 letters, digits, dots, dashes or underscores, from a letter");

const registerSchema = z.object({
  apiKeyId: fields.id("apiKeyId"),
  operationId: operationId(),
  query: z
    .string()
    .min(1, "query must not be empty")
    .max(20_000, "query must be at most 20000 characters")
    .refine(parses, "query is not a valid GraphQL document"),
});

function parses(query: string): boolean {
  try {
    parse(query);
    return true;
  } catch {
    return false;
  }
}

/** Stores the text exactly as given: its hash is what clients send, so no normalisation. */
export async function registerPersistedOperation(
  s: ActionScope<IdentityDatabase>,
  input: { apiKeyId: string; operationId: string; query: string },
): Promise<PersistedOperation> {
  const data = parseInput(registerSchema, input);
  await usableKey(s.trx, data.apiKeyId, "apiKeyId");
  const row = await s.trx
    .insertInto("identity.persisted_operations")
    .values({
      api_key_id: data.apiKeyId,
      operation_id: data.operationId,
      query: data.query,
      sha256: sha256Hex(data.query),
      created_by: s.actor.subject,
      created_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await s.audit("ApiKey", data.apiKeyId, { persistedOperation: data.operationId, sha256: row.sha256 });
  return toPersistedOperation(row);
}

const unregisterSchema = z.object({ apiKeyId: fields.id("apiKeyId"), operationId: operationId() });

export async function unregisterPersistedOperation(
  s: ActionScope<IdentityDatabase>,
  input: { apiKeyId: string; operationId: string },
): Promise<PersistedOperation> {
  const data = parseInput(unregisterSchema, input);
  const row = await s.trx
    .deleteFrom("identity.persisted_operations")
    .where("api_key_id", "=", data.apiKeyId)
    .where("operation_id", "=", data.operationId)
    .returningAll()
    .executeTakeFirst();
  if (!row) notFound(IdentityErrorCode.PERSISTED_OPERATION_NOT_FOUND, "Persisted operation", "operationId");
  await s.audit("ApiKey", data.apiKeyId, { persistedOperation: data.operationId, removed: true });
  return toPersistedOperation(row);
}
