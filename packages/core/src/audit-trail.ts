import { type Kysely, sql } from "kysely";
import type { AuditActorKind } from "./audit.js";
import { type Connection, pageSize, toConnection } from "./connection.js";
import { badUserInput } from "./errors.js";

/** One entity's history is read across every domain schema that keeps an audit log. */
export interface AuditTrailArgs {
  entityType: string;
  entityId: string;
  first?: number | null;
  after?: string | null;
}

export interface AuditRecord {
  id: string;
  domain: string;
  entityType: string;
  entityId: string;
  operation: string;
  occurredAt: string;
  actor: { subject: string; kind: "PERSON" | "PARTNER" | "SYSTEM"; apiKeyId: string | null };
  requestId: string;
  idempotencyKey: string | null;
  details: string;
}

interface AuditRow {
  domain: string;
  seq: string;
  position: string;
  occurred_at: Date | string;
  actor: string;
  actor_kind: string | null;
  api_key_id: string | null;
  operation: string;
  aggregate_type: string;
  aggregate_id: string;
  idempotency_key: string | null;
  request_id: string;
  details: unknown;
}

/** Where a record sits in the trail: newest first by time, then domain, then the domain's own id. */
interface TrailPosition {
  at: string;
  domain: string;
  seq: string;
}

const ENTITY_TYPE = /^[A-Za-z]{1,60}$/;
const CURSOR = /^AuditRecord:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([^|]{1,63})\|(\d{1,19})$/;

/** An entity's audit records from every domain, newest first, as a Relay connection. */
export async function readAuditTrail(db: Kysely<unknown>, args: AuditTrailArgs): Promise<Connection<AuditRecord>> {
  if (!ENTITY_TYPE.test(args.entityType))
    throw badUserInput("entityType must be an aggregate type such as Customer: letters only, at most 60", "entityType");
  if (args.entityId.length < 1 || args.entityId.length > 200)
    throw badUserInput("entityId must be 1 to 200 characters", "entityId");
  const size = pageSize(args.first, 50);
  const after = decodeTrailCursor(args.after);
  const schemas = await auditedSchemas(db);
  const rows = schemas.length ? await trailRows(db, schemas, args, size + 1, after) : [];
  return toConnection(rows, size, after !== undefined, encodeTrailCursor, toAuditRecord);
}

/** Every schema holding an audit_log: each domain's, whichever subgraphs this database serves. */
async function auditedSchemas(db: Kysely<unknown>): Promise<string[]> {
  const { rows } = await sql<{ schema: string }>`
    /* auditedSchemas */
    select table_schema as schema from information_schema.tables
    where table_name = 'audit_log' and table_type = 'BASE TABLE'
    order by table_schema`.execute(db);
  return rows.map((r) => r.schema);
}

/** One UNION ALL: each branch walks its domain's (type, id, time) index and stops at the page. */
async function trailRows(
  db: Kysely<unknown>,
  schemas: string[],
  args: AuditTrailArgs,
  limit: number,
  after: TrailPosition | undefined,
): Promise<AuditRow[]> {
  const branches = schemas.map(
    (schema) => sql`(
      select ${schema}::text as domain, id as seq_order, id::text as seq, occurred_at,
        to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position,
        actor, actor_kind, api_key_id, operation, aggregate_type, aggregate_id, idempotency_key, request_id, details
      from ${sql.id(schema)}.audit_log
      where aggregate_type = ${args.entityType} and aggregate_id = ${args.entityId}
      ${after ? sql`and (occurred_at, ${schema}::text, id) < (${after.at}::timestamptz, ${after.domain}::text, ${after.seq}::bigint)` : sql``}
      order by occurred_at desc, id desc
      limit ${limit})`,
  );
  const { rows } = await sql<AuditRow>`
    /* auditTrail */
    select domain, seq, occurred_at, position, actor, actor_kind, api_key_id, operation, aggregate_type, aggregate_id,
      idempotency_key, request_id, details
    from (${sql.join(branches, sql` union all `)}) trail
    order by trail.occurred_at desc, trail.domain desc, trail.seq_order desc
    limit ${limit}`.execute(db);
  return rows;
}

function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    id: `${row.domain}:${row.seq}`,
    domain: row.domain,
    entityType: row.aggregate_type,
    entityId: row.aggregate_id,
    operation: row.operation,
    occurredAt: new Date(row.occurred_at).toISOString(),
    actor: actorOf(row),
    requestId: row.request_id,
    idempotencyKey: row.idempotency_key,
    details: JSON.stringify(row.details ?? {}),
  };
}

const SYSTEM_SUBJECT = /^(system|seed|job:.*|event-handler:.*)$/;

/** Rows written before the actor kind was recorded get it from the subject's shape. */
function actorOf(row: AuditRow): AuditRecord["actor"] {
  const partnerKey = row.actor.startsWith("api-key:") ? row.actor.slice("api-key:".length) : null;
  const kind: AuditActorKind =
    (row.actor_kind as AuditActorKind | null) ??
    (partnerKey !== null ? "partner" : SYSTEM_SUBJECT.test(row.actor) ? "system" : "person");
  const apiKeyId = row.api_key_id ?? (kind === "partner" ? partnerKey : null);
  return { subject: row.actor, kind: kind.toUpperCase() as AuditRecord["actor"]["kind"], apiKeyId };
}

function encodeTrailCursor(row: AuditRow): string {
  return Buffer.from(`AuditRecord:${row.position}|${row.domain}|${row.seq}`).toString("base64url");
}

function decodeTrailCursor(cursor: string | null | undefined): TrailPosition | undefined {
  if (cursor == null) return undefined;
  const match = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw badUserInput("after is not a cursor of this list", "after");
  return { at: match[1]!, domain: match[2]!, seq: match[3]! };
}

/**
 * Whether a domain's audit log names an entity: every entity a business action created or changed
 * has a record there, so this tells an existing entity from an unknown id without reading the
 * domain's own tables. False when this database holds no such domain.
 */
export async function isAudited(db: Kysely<unknown>, domain: string, entityType: string, entityId: string) {
  if (!(await auditedSchemas(db)).includes(domain)) return false;
  const { rows } = await sql`
    /* isAudited */
    select 1 from ${sql.id(domain)}.audit_log
    where aggregate_type = ${entityType} and aggregate_id = ${entityId}
    limit 1`.execute(db);
  return rows.length > 0;
}
