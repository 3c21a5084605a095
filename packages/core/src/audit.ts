import type { Kysely, Transaction } from "kysely";
import type { Principal, PrincipalKind } from "./context.js";
import type { KernelTables } from "./kernel-schema.js";

/** Who can act: an anonymous caller never writes anything. */
export type AuditActorKind = Exclude<PrincipalKind, "anonymous">;

/** Who did what to which aggregate, with the key and request it came with. */
export interface AuditEntry {
  /** The principal's subject: a person's JWT subject, "api-key:<id>", "system", "job:…". */
  actor: string;
  actorKind: AuditActorKind;
  /** The API key a partner called with; null for people and the system. */
  apiKeyId: string | null;
  operation: string;
  aggregateType: string;
  aggregateId: string;
  idempotencyKey: string | null;
  requestId: string;
  details: Record<string, unknown>;
}

/** The actor fields of an audit entry, from the principal that acts. */
export function auditActorOf(principal: Principal): Pick<AuditEntry, "actor" | "actorKind" | "apiKeyId"> {
  // Business actions refuse anonymous callers before any write; reaching here is a bug.
  if (principal.kind === "anonymous") throw new Error("An anonymous caller cannot be audited as an actor");
  return { actor: principal.subject, actorKind: principal.kind, apiKeyId: principal.apiKeyId ?? null };
}

export async function recordAudit<DB>(trx: Transaction<DB>, schema: string, entry: AuditEntry): Promise<void> {
  await (trx.withSchema(schema) as unknown as Kysely<KernelTables>)
    .insertInto("audit_log")
    .values({
      actor: entry.actor,
      actor_kind: entry.actorKind,
      api_key_id: entry.apiKeyId,
      operation: entry.operation,
      aggregate_type: entry.aggregateType,
      aggregate_id: entry.aggregateId,
      idempotency_key: entry.idempotencyKey,
      request_id: entry.requestId,
      details: JSON.stringify(entry.details),
    })
    .execute();
}
