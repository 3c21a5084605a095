import { readFileSync } from "node:fs";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { EventContract } from "@erp/contracts";
import { concatAST, type DocumentNode, type ExecutionResult, type GraphQLSchema, graphql, parse } from "graphql";
import type { Kysely } from "kysely";
import { enforceDeclaredAccess } from "./auth/scope-directives.js";
import { type Clock, systemClock } from "./clock.js";
import { type RequestInfo, requestLogger, type SubgraphContext, SYSTEM_PRINCIPAL } from "./context.js";
import type { EventHandler } from "./events/handler.js";
import type { QueueWorker } from "./events/module-queues.js";
import { declarePublishes } from "./events/publishers.js";
import type { DomainMigrations } from "./migrations.js";
import { kernelScalarResolvers } from "./scalars.js";

/** Runs one GraphQL operation against a subgraph, e.g. for demo data. */
export type OperationRunner = (query: string, variables?: Record<string, unknown>) => Promise<ExecutionResult>;

/** A domain's periodic work, e.g. reconciliation or interest accrual. */
export interface ScheduledJob<DB> {
  /** Unique within the domain; letters, digits and dashes. */
  name: string;
  /** When, as a cron expression in UTC, e.g. "0 * * * *" for hourly. */
  cron: string;
  /** `clock` is the business clock the job's actions decide dates by. */
  run(db: Kysely<DB>, clock: Clock): Promise<void>;
}

/** What a seed may use besides its own GraphQL operations. */
export interface SeedTools<DB> {
  /** The domain's own tables, e.g. to find what it learned from other domains' events. */
  db: Kysely<DB>;
  /** Waits until every event so far has been delivered and handled. */
  settle(): Promise<void>;
}

/** Everything a domain exports: open its index.ts and the whole module is in view. */
// biome-ignore lint/suspicious/noExplicitAny: a list of modules holds each domain's own DB and loader types
export interface SubgraphModule<DB = any, Loaders = any> {
  /** The domain's name; also its Postgres schema and its subgraph name. */
  name: string;
  /** The subgraph SDL as written in the domain's schema.graphql. */
  typeDefs: DocumentNode;
  resolvers: object;
  migrations: DomainMigrations;
  /** Per-request DataLoaders for entity references and nested lists. */
  createLoaders(db: Kysely<DB>): Loaders;
  /** The events it emits, each a contract from @erp/contracts whose source is this domain; emit refuses any other. */
  publishes?: readonly EventContract[];
  /** Reactions to other domains' events, delivered at least once and applied once. */
  handlers?: EventHandler<DB>[];
  /** Work on a schedule (cron, UTC), run by the job queue so it survives restarts. */
  jobs?: ScheduledJob<DB>[];
  /** Work on the domain's own job queue, outside business transactions (enqueued with `enqueueJob`). */
  workers?: QueueWorker<DB>[];
  /** Demo data, written through the domain's own business actions. */
  seed?: (run: OperationRunner, tools: SeedTools<DB>) => Promise<void>;
  /** A ready operation that Sandbox opens with. */
  exampleOperation?: string;
  /** Reads the domain's settings; called when the subgraph is built, so a bad value stops the start. */
  settings?: () => unknown;
}

export function defineSubgraph<DB, Loaders>(module: SubgraphModule<DB, Loaders>): SubgraphModule<DB, Loaders> {
  declarePublishes(module.name, module.publishes ?? []);
  return module;
}

export const kernelTypeDefs: DocumentNode = parse(readFileSync(new URL("./kernel.graphql", import.meta.url), "utf8"));

/** The subgraph's own SDL plus the kernel's scalars and shared value types. */
export function subgraphTypeDefs(module: Pick<SubgraphModule, "typeDefs">): DocumentNode {
  return concatAST([module.typeDefs, kernelTypeDefs]);
}

export function buildSubgraph(module: SubgraphModule): GraphQLSchema {
  module.settings?.();
  const resolvers = { ...kernelScalarResolvers, ...module.resolvers };
  // The resolver map type is internal to @apollo/subgraph; codegen types ours per domain.
  const schemaModule = { typeDefs: subgraphTypeDefs(module), resolvers };
  const schema = buildSubgraphSchema([schemaModule] as unknown as Parameters<typeof buildSubgraphSchema>[0]);
  return enforceDeclaredAccess(schema, `${module.name}:read`);
}

/** The same context whether the subgraph runs in the gateway's process or its own. */
export function createSubgraphContext<DB, Loaders>(
  module: SubgraphModule<DB, Loaders>,
  db: Kysely<DB>,
  info: RequestInfo,
  clock: Clock = systemClock,
): SubgraphContext<DB, Loaders> & { domain: string } {
  return { ...info, db, domain: module.name, loaders: module.createLoaders(db), log: requestLogger(info), clock };
}

/** Loads a domain's schema.graphql next to its src folder. */
export function loadSchemaFile(url: URL): DocumentNode {
  return parse(readFileSync(url, "utf8"));
}

/** Runs operations against a subgraph schema directly, acting as the system principal. */
export function subgraphRunner(module: SubgraphModule, db: Kysely<unknown>, subject = "seed"): OperationRunner {
  const schema = buildSubgraph(module);
  return async (query, variables) => {
    const info: RequestInfo = { principal: { ...SYSTEM_PRINCIPAL, subject }, requestId: `${subject}-${Date.now()}` };
    const contextValue = createSubgraphContext(module, db, info);
    return graphql({ schema, source: query, variableValues: variables, contextValue });
  };
}
