import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import { logger, onShutdown, type SubgraphModule } from "@erp/core";
import type { GatewayConfig } from "./config.js";
import { prepareDatabase } from "./runtime.js";

/** Most workers one machine runs; each holds its own PostgreSQL pool (DATABASE_POOL_SIZE). */
const MAX_WORKERS = 64;

/**
 * WORKERS: how many processes serve the one-process gateway on its one port (node:cluster);
 * 1 (the default) is a single process, `auto` one per core.
 */
export function workersFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WORKERS?.trim();
  if (!raw) return 1;
  if (raw === "auto") return availableParallelism();
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > MAX_WORKERS)
    throw new Error(`WORKERS must be "auto" or a whole number from 1 to ${MAX_WORKERS}, not "${raw}"`);
  return count;
}

/**
 * Whether this process is (or should be) one of several: several workers share the data only on
 * PostgreSQL — an embedded PGlite belongs to one process — and only the one-process mode has them.
 */
export function assertWorkersPossible(workers: number, config: Pick<GatewayConfig, "mode" | "databaseUrl">): void {
  if (workers === 1) return;
  if (config.mode === "split")
    throw new Error("WORKERS applies to the one-process mode; in split mode run more gateway processes instead");
  if (!config.databaseUrl)
    throw new Error(
      `WORKERS=${workers} needs PostgreSQL (DATABASE_URL): the embedded PGlite database serves one process only`,
    );
}

/**
 * The primary of `count` workers: runs `prepare` once (migrations, demo data), then forks the
 * workers, which all listen on the same port, and replaces any that dies. Every worker runs an
 * event bus on pg-boss: handler queues, the outbox relay (its claim skips rows another worker
 * locked) and scheduled jobs (singleton queues) are shared safely through the database.
 * Returns "worker" in a worker (the caller then starts the gateway) and "primary" in the primary.
 */
export async function runWorkers(count: number, prepare: () => Promise<void>): Promise<"primary" | "worker"> {
  if (cluster.isWorker) return "worker";
  await prepare();
  let stopping = false;
  const fork = (): Worker => cluster.fork({ ...process.env, SEED: "false", ERP_WORKER: "1" });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    logger.error({ worker: worker.process.pid, code, signal }, "gateway worker died; starting another");
    fork();
  });
  for (let i = 0; i < count; i++) fork();
  onShutdown(async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    await Promise.all(
      workers.map((w) => new Promise<void>((resolve) => (w.once("exit", () => resolve()), w.kill("SIGTERM")))),
    );
  });
  return "primary";
}

/**
 * `erp start` with WORKERS > 1: the primary migrates and seeds once, then forks the workers, each
 * of which starts the ERP as one process would. Returns false when this process must start the
 * ERP itself (a single process, or a worker).
 */
export async function startPrimaryOfWorkers(config: GatewayConfig, modules: SubgraphModule[]): Promise<boolean> {
  const workers = workersFrom();
  assertWorkersPossible(workers, config);
  if (workers === 1) return false;
  const role = await runWorkers(workers, () => prepareDatabase(config, modules));
  if (role === "primary") console.log(`  ERP gateway: ${workers} workers starting on port ${config.port}`);
  return role === "primary";
}
