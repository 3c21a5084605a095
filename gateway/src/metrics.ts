import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLDataSource } from "@apollo/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import { type Database, logger } from "@erp/core";
import { sql } from "kysely";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GatewayContext } from "./data-sources.js";

/**
 * Prometheus metrics of the gateway (prom-client), served on their own port (METRICS_PORT, default
 * 9464; "off" to disable), optionally behind a bearer token (METRICS_TOKEN). One registry per process.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "erp_" });

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const requests = new Counter({
  name: "erp_graphql_requests_total",
  help: "GraphQL requests by operation name and outcome (ok, error)",
  labelNames: ["operation", "outcome"] as const,
  registers: [registry],
});
const requestSeconds = new Histogram({
  name: "erp_graphql_request_duration_seconds",
  help: "GraphQL request latency by operation name and outcome",
  labelNames: ["operation", "outcome"] as const,
  buckets: SECONDS,
  registers: [registry],
});
const businessErrors = new Counter({
  name: "erp_business_errors_total",
  help: "Business errors returned in mutation payloads, by code",
  labelNames: ["code"] as const,
  registers: [registry],
});
const fetchSeconds = new Histogram({
  name: "erp_subgraph_fetch_duration_seconds",
  help: "Latency of the gateway's fetches from each subgraph",
  labelNames: ["subgraph"] as const,
  buckets: SECONDS,
  registers: [registry],
});
const fetchErrors = new Counter({
  name: "erp_subgraph_fetch_errors_total",
  help: "Subgraph fetches that failed or answered with errors",
  labelNames: ["subgraph"] as const,
  registers: [registry],
});

const NAMED = /^\s*(?:query|mutation|subscription)\s+(\w+)/;

/** An operation's name as a label: named operations by name, the rest grouped (bounded cardinality). */
const operationLabel = (name: string | null | undefined) => (name && /^\w{1,64}$/.test(name) ? name : "anonymous");

/** Counts and times every request, counts business error codes, and logs one line per request. */
export function metricsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ response, operationName: resolved, request, errors }) {
          // A request refused before its operation was resolved (parse, validation) still has a name.
          const operationName = resolved ?? request.operationName ?? request.query?.match(NAMED)?.[1];
          const body = response.body.kind === "single" ? response.body.singleResult : undefined;
          const failed = Boolean(errors?.length || body?.errors?.length);
          const outcome = failed ? "error" : "ok";
          const operation = operationLabel(operationName);
          const seconds = (performance.now() - started) / 1000;
          requests.inc({ operation, outcome });
          requestSeconds.observe({ operation, outcome }, seconds);
          const codes = businessErrorCodes(body?.data);
          for (const code of codes) businessErrors.inc({ code });
          const principal = contextValue.principal;
          logger.info(
            {
              requestId: contextValue.requestId,
              operation: operationName ?? null,
              outcome,
              durationMs: Math.round(seconds * 1000),
              principal: principal.kind === "anonymous" ? "anonymous" : principal.subject,
              ...(codes.length && { businessErrors: codes }),
              ...(failed && { errors: (errors ?? body?.errors ?? []).map((e) => e.extensions?.code ?? "ERROR") }),
            },
            "graphql request",
          );
        },
      };
    },
  };
}

/** Codes of the business errors in a mutation's payloads (`{ field: { errors: [{ code }] } }`). */
function businessErrorCodes(data: Record<string, unknown> | null | undefined): string[] {
  if (!data) return [];
  return Object.values(data).flatMap((payload) => {
    const errors = (payload as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) ? errors.flatMap((e) => (typeof e?.code === "string" ? [e.code as string] : [])) : [];
  });
}

/** Times a subgraph's fetches and counts the failed ones, without changing the data source. */
export function measured<S extends GraphQLDataSource>(subgraph: string, source: S): S {
  const process = source.process.bind(source);
  source.process = async (options) => {
    const stop = fetchSeconds.startTimer({ subgraph });
    try {
      const response = await process(options);
      if (response.errors?.length) fetchErrors.inc({ subgraph });
      return response;
    } catch (error) {
      fetchErrors.inc({ subgraph });
      throw error;
    } finally {
      stop();
    }
  };
  return source;
}

const GAUGES = [
  "erp_db_pool_connections",
  "erp_job_queue_depth",
  "erp_dead_lettered_events",
  "erp_reconciliation_alerts_open",
];

/** Gauges read from the database when Prometheus scrapes: pool, job queue, dead letters, reconciliation alerts. */
export function databaseGauges(database: Database, poolStats?: Database["poolStats"]) {
  const count = async (query: ReturnType<typeof sql<{ n: string }>>) => {
    try {
      const { rows } = await query.execute(database.db);
      return Number(rows[0]?.n ?? 0);
    } catch {
      return Number.NaN; // the table is not there (yet): unknown, not zero
    }
  };
  for (const name of GAUGES) registry.removeSingleMetric(name); // one set per registry
  [
    new Gauge({
      name: "erp_db_pool_connections",
      help: "PostgreSQL pool connections by state (in_use, idle, waiting for one)",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const stats = poolStats?.();
        if (!stats) return;
        this.set({ state: "in_use" }, stats.total - stats.idle);
        this.set({ state: "idle" }, stats.idle);
        this.set({ state: "waiting" }, stats.waiting);
      },
    }),
    new Gauge({
      name: "erp_job_queue_depth",
      help: "Jobs and event deliveries waiting in pg-boss, by state (created, retry)",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        for (const state of ["created", "retry"])
          this.set(
            { state },
            await count(sql<{ n: string }>`select count(*) as n from pgboss.job where state = ${state}`),
          );
      },
    }),
    new Gauge({
      name: "erp_dead_lettered_events",
      help: "Event deliveries dead-lettered and not yet retried (failedEvents)",
      registers: [registry],
      async collect() {
        this.set(
          await count(sql<{ n: string }>`select count(*) as n from operations.failed_events where status = 'FAILED'`),
        );
      },
    }),
    new Gauge({
      name: "erp_reconciliation_alerts_open",
      help: "Finance reconciliation alerts not yet resolved",
      registers: [registry],
      async collect() {
        // Read-only, for operators: the platform observes the finance domain's table, it does not use its data.
        this.set(
          await count(
            sql<{ n: string }>`select count(*) as n from finance.reconciliation_alerts where status <> 'RESOLVED'`,
          ),
        );
      },
    }),
  ];
  return () => {
    for (const name of GAUGES) registry.removeSingleMetric(name);
  };
}

/** Serves /metrics on its own port; with a token, only to `Authorization: Bearer <token>`. */
export async function serveMetrics(
  port: number,
  host: string | undefined,
  token?: string,
): Promise<Server & { url: string }> {
  const server = createServer(async (req, res) => {
    if (req.url?.split("?")[0] !== "/metrics") return void res.writeHead(404).end();
    if (token && req.headers.authorization !== `Bearer ${token}`)
      return void res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    try {
      const text = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType }).end(text);
    } catch (error) {
      logger.error({ err: error }, "metrics failed");
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, done);
  });
  const { port: bound } = server.address() as AddressInfo;
  return Object.assign(server, { url: `http://${host ?? "localhost"}:${bound}/metrics` });
}

/** The CLI's metrics endpoint for a started ERP: its own port, gauges over the database when there is one. */
export async function startMetrics(
  settings: { port: number | "off"; token: string | undefined },
  host: string | undefined,
  database?: Database,
): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  if (settings.port === "off") return undefined;
  const removeGauges = database ? databaseGauges(database, database.poolStats) : () => undefined;
  const server = await serveMetrics(settings.port, host, settings.token);
  return {
    url: server.url,
    stop: () =>
      new Promise<void>((done) => {
        removeGauges();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
