import { type Kysely, type Migration, sql } from "kysely";
import { z } from "zod";
import { runBusinessAction } from "../action.js";
import { isAudited, readAuditTrail } from "../audit-trail.js";
import { accessDenied } from "../auth/scope-directives.js";
import type { SubgraphContext } from "../context.js";
import { notFound, refuse } from "../errors.js";
import type { FailedEventRow } from "../events/dead-letters.js";
import { eventBusFor } from "../events/event-bus.js";
import { typenameOf } from "../references.js";
import { runStatements } from "../sql.js";
import { defineStateMachine } from "../state-machine.js";
import { defineSubgraph, loadSchemaFile } from "../subgraph.js";
import { fields, isUuid, parseInput } from "../validation.js";
import type { NodeType, Resolvers } from "./generated/resolvers-types.js";

interface OperationsDatabase {
  "operations.failed_events": FailedEventRow;
}

const migrations: Record<string, Migration> = {
  "0001_failed_events": {
    // biome-ignore lint/suspicious/noExplicitAny: migrations take Kysely<any> so they stay frozen in time
    async up(db: Kysely<any>) {
      await runStatements(db, [
        sql`
          create table operations.failed_events (
            id uuid primary key default gen_random_uuid(),
            queue text not null,
            domain text not null,
            handler text not null,
            event jsonb not null,
            error text not null,
            attempts integer not null,
            status text not null default 'FAILED' check (status in ('FAILED', 'RETRIED')),
            failed_at timestamptz not null default now(),
            retried_at timestamptz
          )`,
        sql`create index failed_events_status on operations.failed_events (status, failed_at desc)`,
      ]);
    },
  },
};

const retryLifecycle = defineStateMachine<"FAILED" | "RETRIED">("Failed event", { FAILED: ["RETRIED"], RETRIED: [] });

export type OperationsContext = SubgraphContext<OperationsDatabase, Record<string, never>> & { domain: string };

export type FailedEvent = ReturnType<typeof toFailedEvent>;

function toFailedEvent(row: FailedEventRow) {
  return {
    id: row.id,
    eventId: row.event.id,
    eventType: row.event.type,
    source: row.event.source,
    domain: row.domain,
    handler: row.handler,
    payload: JSON.stringify(row.event.payload),
    error: row.error,
    attempts: row.attempts,
    status: row.status,
    failedAt: new Date(row.failed_at).toISOString(),
    retriedAt: row.retried_at ? new Date(row.retried_at).toISOString() : null,
  };
}

/** The domain that owns each type `node` fetches: its audit log knows the ids, its subgraph the fields. */
const NODE_DOMAINS: Record<NodeType, string> = {
  Customer: "crm",
  Lead: "crm",
  Opportunity: "crm",
  Product: "inventory",
  Warehouse: "inventory",
  StockAdjustment: "inventory",
  SalesOrder: "sales",
  Quote: "sales",
  Invoice: "finance",
  Payment: "finance",
  Supplier: "procurement",
  PurchaseOrder: "procurement",
  GoodsReceipt: "procurement",
  SupplierBill: "procurement",
  Employee: "hr",
  Department: "hr",
  LeaveRequest: "hr",
  PayrollRun: "hr",
  ApiKey: "identity",
};

/**
 * The entity stub federation hands to the owning subgraph (`{ __typename, id }`), or null when
 * the id is malformed or its domain never audited it. The caller needs the domain's read scope,
 * as reading any of its fields would: an id-only lookup must not tell who lacks it what exists.
 */
async function findNode(ctx: OperationsContext, nodeType: NodeType, id: string) {
  const domain = NODE_DOMAINS[nodeType];
  const denied = accessDenied(
    ctx.principal,
    { authenticated: true, scopes: [[`${domain}:read`]] },
    `node(${nodeType})`,
  );
  if (denied) throw denied;
  if (!isUuid(id) || !(await isAudited(ctx.db as Kysely<unknown>, domain, nodeType, id))) return null;
  return { __typename: nodeType, id };
}

const retrySchema = z.object({ failedEventId: fields.id("failedEventId") });

const resolvers: Resolvers = {
  Query: {
    failedEvents: async (_, { status }, ctx) => {
      const rows = await ctx.db
        .selectFrom("operations.failed_events")
        .selectAll()
        .where("status", "=", status ?? "FAILED")
        .orderBy("failed_at", "desc")
        .limit(200)
        .execute();
      return rows.map(toFailedEvent);
    },
    auditTrail: (_, args, ctx) => readAuditTrail(ctx.db as Kysely<unknown>, args),
    node: (_, { nodeType, id }, ctx) => findNode(ctx, nodeType, id),
  },
  Node: {
    __resolveType: (value) => typenameOf<NodeType>(value),
  },
  Mutation: {
    retryFailedEvent: (_, { input }, ctx) =>
      runBusinessAction(ctx, { operation: "retryFailedEvent", input }, async (scope) => {
        const data = parseInput(retrySchema, input);
        const bus = eventBusFor(ctx.db);
        if (!bus) refuse("EVENT_BUS_UNAVAILABLE", "No event bus runs in this process");
        const row = await scope.trx
          .selectFrom("operations.failed_events")
          .selectAll()
          .where("id", "=", data.failedEventId)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return notFound("FAILED_EVENT_NOT_FOUND", "The failed event", "failedEventId");
        retryLifecycle.assertTransition(row.status, "RETRIED");
        // Queued first: a queue that is gone refuses here, and the row stays FAILED.
        await bus.redeliver(scope.trx, row.queue, row.event);
        const updated = await scope.trx
          .updateTable("operations.failed_events")
          .set({ status: "RETRIED", retried_at: new Date() })
          .where("id", "=", row.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await scope.audit("FailedEvent", row.id, { queue: row.queue, eventId: row.event.id });
        return { failedEvent: toFailedEvent(updated) };
      }),
  },
};

/** The platform's own subgraph: dead letters an operator can see and retry, and every entity's audit trail. */
export const operations = defineSubgraph<OperationsDatabase, Record<string, never>>({
  name: "operations",
  typeDefs: loadSchemaFile(new URL("./operations.graphql", import.meta.url)),
  resolvers,
  migrations,
  createLoaders: () => ({}),
});
