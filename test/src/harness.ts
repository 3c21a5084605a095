import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, EventBus, migrateDomain, openDatabase, type RunningServer } from "@erp/core";
import { type GatewayConfig, loadConfig, SUBGRAPHS, startGateway, subgraphModules } from "@erp/gateway";
import { bearer, createTestDatabase, type GraphQLClient, httpClient, TEST_JWT_SECRET } from "@erp/testing";
import type { Kysely, KyselyPlugin } from "kysely";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function gatewayConfig(overrides: Partial<GatewayConfig>): GatewayConfig {
  const base = loadConfig({ NODE_ENV: "test", AUTH_JWT_SECRET: TEST_JWT_SECRET, ERP_DEVELOPMENT_KEY: "false" });
  // Every test client calls from loopback: one address, far more operations than a person's.
  // Tests stand for many clients at once (20 customers ordering together) on a loaded machine:
  // no per-client or lag shedding, and a time budget only a hang exceeds.
  const http = {
    ...base.edge.http,
    maxConcurrentPerClient: 1_000,
    maxEventLoopLagMs: 60_000,
    requestTimeoutMs: 120_000,
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
  const port = await freePort();
  const server = await startGateway({
    config: gatewayConfig({ mode: "single", port }),
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
    settle: () => bus.settle(),
    stop: async () => {
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}

interface SubgraphProcess {
  name: string;
  server: string;
  url: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  dataDir?: string;
}

/** Each subgraph in its own Node process on its own port; the gateway reaches them over HTTP. */
export async function startSplit(): Promise<RunningErp> {
  const secret = randomBytes(16).toString("hex");
  const postgres = process.env.TEST_DATABASE_URL ? await createTestDatabase() : undefined;
  const processes: SubgraphProcess[] = [];
  for (const { module, server } of SUBGRAPHS)
    processes.push(await spawnSubgraph(module.name, server, secret, postgres?.url));
  const port = await freePort();
  const server: RunningServer = await startGateway({
    config: gatewayConfig({
      mode: "split",
      port,
      gatewaySecret: secret,
      subgraphUrls: Object.fromEntries(processes.map((p) => [p.name, p.url])),
    }),
    modules: subgraphModules(),
  });
  return {
    mode: "split",
    url: `http://127.0.0.1:${server.port}/graphql`,
    subgraphUrl: (name) => processes.find((p) => p.name === name)!.url,
    settle: () => (postgres ? settleShared(postgres) : Promise.resolve()),
    withSubgraphDatabase: async (name, work) => {
      const target = processes.find((p) => p.name === name)!;
      if (postgres) return work(postgres.db);
      // PGlite belongs to one process at a time: stop the subgraph, change its data, restart it.
      await stopProcess(target.child);
      const database = await openDatabase({ dataDir: join(target.dataDir!, target.name) });
      await work(database.db).finally(() => database.close());
      target.child = await launch(target.server, target.env, target.url);
    },
    stop: async () => {
      await server.stop();
      for (const p of processes) {
        await stopProcess(p.child);
        if (p.dataDir) rmSync(p.dataDir, { recursive: true, force: true });
      }
      await postgres?.close();
    },
  };
}

/** Split mode on PostgreSQL: wait until no outbox holds unpublished events and no job is pending. */
async function settleShared(database: Database, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const domains = SUBGRAPHS.map((s) => s.module.name);
  while (Date.now() < deadline) {
    const outbox = domains
      .map((d) => `(select count(*) from ${d}.outbox_events where published_at is null)`)
      .join(" + ");
    const { rows } = await database.executeRaw(
      `select (${outbox})::int + (select count(*) from pgboss.job where name like '%:%' and state in ('created', 'retry', 'active'))::int as n`,
    );
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error("split-mode event flow did not settle in time");
}

async function spawnSubgraph(
  name: string,
  server: string,
  secret: string,
  databaseUrl?: string,
): Promise<SubgraphProcess> {
  const port = await freePort();
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), `erp-${name}-`));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    GATEWAY_SECRET: secret,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
  };
  const url = `http://127.0.0.1:${port}/graphql`;
  return { name, server, url, env, dataDir, child: await launch(server, env, url) };
}

async function launch(server: string, env: NodeJS.ProcessEnv, url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, server)], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  await waitUntilReady(new URL("/ready", url).toString(), child);
  return child;
}

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`subgraph process exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`subgraph at ${url} not ready within 60 s`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export type { Database };
