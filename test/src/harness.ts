import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { type Database, EventBus, migrateDomain, openDatabase, pendingEventWork, type RunningServer } from "@erp/core";
import { type GatewayConfig, loadConfig, SUBGRAPHS, startGateway, subgraphModules } from "@erp/gateway";
import { bearer, createTestDatabase, type GraphQLClient, httpClient, TEST_JWT_SECRET } from "@erp/testing";
import type { Kysely, KyselyPlugin } from "kysely";
import {
  freePort,
  relaunch,
  type SubgraphProcess,
  spawnSubgraph,
  stopAll,
  stopProcess,
  TOGETHER_READY_WITHIN_MS,
} from "./processes.js";

export { SPLIT_START_MS } from "./processes.js";

export interface RunningErp {
  mode: "single" | "split";
  url: string;
  /** Runs SQL against the data of a subgraph, wherever it lives, e.g. to inject a fault. */
  withSubgraphDatabase(name: string, work: (db: Kysely<unknown>) => Promise<void>): Promise<void>;
  /** Waits until every domain event has been delivered and handled. */
  settle(): Promise<void>;
  /** Split mode: where a subgraph's own server listens. */
  subgraphUrl?(name: string): string;
  stop(): Promise<void>;
}

/** A client of the gateway signed in as a person with these roles (admin by default). */
export async function clientOf(
  erp: Pick<RunningErp, "url">,
  subject = "tester@erp.local",
  roles = ["admin"],
): Promise<GraphQLClient> {
  return httpClient(erp.url, await bearer(subject, roles));
}

function gatewayConfig(overrides: Partial<GatewayConfig>): GatewayConfig {
  const base = loadConfig({ NODE_ENV: "test", AUTH_JWT_SECRET: TEST_JWT_SECRET, ERP_DEVELOPMENT_KEY: "false" });
  // Every test client calls from loopback: one address, far more operations than a person's.
  // Tests stand for many clients at once (20 customers ordering together) on a loaded machine:
  // no per-client or lag shedding, and a time budget only a hang exceeds. A request beyond the
  // 32 in flight (50 confirmations at once) waits its turn like a patient client instead of being
  // shed after 2 s: on one PGlite connection the 32 ahead of it finish together, not one by one.
  const http = {
    ...base.edge.http,
    maxConcurrentPerClient: 1_000,
    maxEventLoopLagMs: 60_000,
    requestTimeoutMs: 120_000,
    queueTimeoutMs: 120_000,
  };
  const edge = { ...base.edge, http, rateLimitPerAddressPerMinute: 1_000_000 };
  return { ...base, host: "127.0.0.1", seed: false, edge, ...overrides };
}

/** Every subgraph inside the gateway's process, on one fresh database. */
export async function startSingleProcess(
  options: { plugins?: KyselyPlugin[] } = {},
): Promise<RunningErp & { bus: EventBus; database: Database; restartBus(): Promise<void> }> {
  const database = await createTestDatabase();
  for (const module of subgraphModules()) await migrateDomain(database.db, module.name, module.migrations);
  const busOptions = { retryLimit: 2, retryDelaySeconds: 1 };
  let bus = await EventBus.start(database, subgraphModules(), busOptions);
  const server = await startGateway({
    config: gatewayConfig({ mode: "single", port: 0 }),
    modules: subgraphModules(),
    // Plugins (e.g. a statement counter) see what the subgraphs run, not the event bus.
    database: { ...database, db: (options.plugins ?? []).reduce((db, p) => db.withPlugin(p), database.db) },
  });
  return {
    mode: "single",
    get bus() {
      return bus;
    },
    database,
    // A crash stand-in: the old bus is gone before it dispatched; a new one starts on the same data.
    restartBus: async () => {
      await bus.stop();
      bus = await EventBus.start(database, subgraphModules(), busOptions);
    },
    url: `http://127.0.0.1:${server.port}/graphql`,
    withSubgraphDatabase: (_name, work) => work(database.db),
    settle: () => settleWhileMoving(database, () => bus.relayNow()),
    stop: async () => {
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}

/**
 * Each subgraph in its own Node process on its own port; the gateway reaches them over HTTP.
 * `later` names subgraphs not started yet (their port is reserved): `startLater` starts one.
 */
export async function startSplit(
  options: { later?: string[] } = {},
): Promise<RunningErp & { startLater(name: string): Promise<void> }> {
  const secret = randomBytes(16).toString("hex");
  const postgres = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const spawn = ({ module, server }: (typeof SUBGRAPHS)[number], port = 0) =>
    spawnSubgraph(module.name, server, secret, postgres?.url, port, postgres ? TOGETHER_READY_WITHIN_MS : undefined);
  const later = new Map<string, number>();
  for (const name of options.later ?? []) later.set(name, await freePort());
  const now = SUBGRAPHS.filter((s) => !later.has(s.module.name));
  const started: PromiseSettledResult<SubgraphProcess>[] = [];
  if (postgres) {
    // All at once on a fresh PostgreSQL, as a deployment brings them up: their migrations and
    // pg-boss's schema take turns under the startup lock (withStartupLock).
    started.push(...(await Promise.allSettled(now.map((subgraph) => spawn(subgraph)))));
  } else {
    // Own PGlite each: a few at a time. Eight starting together on a small loaded machine share its
    // cores so thinly that one misses its READY_WITHIN_MS though none is broken; as many at once as
    // there are cores take no longer in all, and each is ready within its own allowance.
    const queue = [...now];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [result] = await Promise.allSettled([spawn(next)]);
        started.push(result!);
        if (result!.status === "rejected") queue.length = 0;
      }
    };
    await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
  }
  const processes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    // Nothing outlives a failed start: no process, no data folder, no database.
    await stopAll(processes);
    await postgres?.close();
    throw failed.reason;
  }
  const laterUrls = [...later].map(([name, port]) => [name, `http://127.0.0.1:${port}/graphql`]);
  const server: RunningServer = await startGateway({
    config: gatewayConfig({
      mode: "split",
      port: 0,
      gatewaySecret: secret,
      subgraphUrls: Object.fromEntries([...processes.map((p) => [p.name, p.url]), ...laterUrls]),
    }),
    modules: subgraphModules(),
  });
  return {
    mode: "split",
    url: `http://127.0.0.1:${server.port}/graphql`,
    subgraphUrl: (name) => processes.find((p) => p.name === name)!.url,
    startLater: async (name) => {
      const subgraph = SUBGRAPHS.find((s) => s.module.name === name)!;
      processes.push(await spawn(subgraph, later.get(name)));
    },
    settle: () => (postgres ? settleWhileMoving(postgres) : Promise.resolve()),
    withSubgraphDatabase: async (name, work) => {
      const target = processes.find((p) => p.name === name)!;
      if (postgres) return work(postgres.db);
      // PGlite belongs to one process at a time: stop the subgraph, change its data, restart it.
      await stopProcess(target.child);
      const database = await openDatabase({ dataDir: join(target.dataDir!, target.name) });
      await work(database.db).finally(() => database.close());
      await relaunch(target);
    },
    stop: async () => {
      await server.stop();
      await stopAll(processes);
      await postgres?.close();
    },
  };
}

/** What a loaded machine may take without any event moving before we call the flow stuck. */
const STALL_MS = 20_000;

/**
 * Waits until no outbox holds unpublished events and no job is pending. It gives up only when
 * nothing moved for STALL_MS: many concurrent orders on a loaded machine take long but keep
 * moving, a lost event does not; a fixed deadline could not tell the two apart.
 */
async function settleWhileMoving(database: Database, relay?: () => Promise<void>): Promise<void> {
  const domains = SUBGRAPHS.map((s) => s.module.name);
  let last = "";
  let movedAt = Date.now();
  // Queues and outboxes are read one after another, so work moving between them can hide from
  // one reading: quiet means two readings in a row found nothing.
  let quietReadings = 0;
  for (;;) {
    await relay?.();
    const work = await pendingEventWork(database, { domains });
    quietReadings = work.unpublished === 0 && work.queued === 0 ? quietReadings + 1 : 0;
    if (quietReadings === 2) return;
    const now = JSON.stringify(work);
    if (now !== last) [last, movedAt] = [now, Date.now()];
    else if (Date.now() - movedAt > STALL_MS)
      throw new Error(
        `event flow stuck for ${STALL_MS / 1000} s: ${work.unpublished} unpublished, ${work.queued} deliveries pending`,
      );
    await new Promise((r) => setTimeout(r, 150));
  }
}

export type { Database };
