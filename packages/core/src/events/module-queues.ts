import type { Kysely, Transaction } from "kysely";
import { CompiledQuery } from "kysely";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Database } from "../database.js";
import { listenerFor } from "./registry.js";
import { announceQueued } from "./wakeups.js";

/**
 * Work a domain runs on its own job queue, outside any business transaction (e.g. calling a
 * partner's endpoint). A job is enqueued by `enqueueJob` in the transaction that decided it, so it
 * exists only if that transaction commits; the queue retries a job only when `run` throws.
 */
export interface QueueWorker<DB> {
  /** Unique within the domain; letters, digits and dashes. The queue is `<domain>-<name>`. */
  name: string;
  /** Jobs this process runs at once; a slow job holds only its own worker. */
  concurrency: number;
  /** Attempts after the first when `run` throws (a crash, a lost database), not for business outcomes. */
  retryLimit?: number;
  run(db: Kysely<DB>, data: Record<string, unknown>, clock: Clock): Promise<void>;
}

/** The queue a domain's worker takes its jobs from. */
export const workerQueue = (domain: string, worker: Pick<QueueWorker<unknown>, "name">): string =>
  `${domain}-${worker.name}`;

/** What the kernel's event bus lends module workers: its pg-boss and the way it creates queues. */
interface QueueHost {
  boss: PgBoss;
  database: Database;
  clock: Clock;
  log: Logger;
  pollingIntervalSeconds: number;
  createQueue(queue: string, options: PgBoss.Queue): Promise<void>;
  /** Tells the bus which worker works which queue, so announced jobs wake it. */
  worksOn(queue: string, workerId: string): void;
}

/** Starts every module's queue workers on the bus's pg-boss; called once when the bus starts. */
export async function startModuleWorkers(
  host: QueueHost,
  // biome-ignore lint/suspicious/noExplicitAny: each module's workers run on its own DB type
  modules: { name: string; workers?: QueueWorker<any>[] }[],
): Promise<void> {
  for (const module of modules)
    for (const worker of module.workers ?? []) {
      const queue = workerQueue(module.name, worker);
      await host.createQueue(queue, { name: queue, retryLimit: worker.retryLimit ?? 3, retryDelay: 5 });
      for (let i = 0; i < worker.concurrency; i++) {
        const id = await host.boss.work<Record<string, unknown>>(
          queue,
          { batchSize: 1, pollingIntervalSeconds: host.pollingIntervalSeconds },
          async ([job]) => {
            try {
              await worker.run(host.database.db, job!.data, host.clock);
            } catch (error) {
              host.log.error({ err: error, queue, jobId: job!.id }, "queue worker failed");
              throw error;
            }
          },
        );
        host.worksOn(queue, id);
      }
    }
}

/** The bus of the process serving this database exposes its pg-boss. */
const bossOf = (db: object): PgBoss | undefined => (listenerFor(db) as { boss?: PgBoss } | undefined)?.boss;

/**
 * Enqueues a job for a domain's worker inside the caller's transaction: it exists only if the
 * transaction commits. Returns false when no event bus runs in this process (the domain's own
 * sweep then finds the work it recorded).
 */
export async function enqueueJob<DB>(
  trx: Transaction<DB>,
  queue: string,
  data: Record<string, unknown>,
  options: { startAfter?: Date; singletonKey?: string; singletonSeconds?: number } = {},
): Promise<boolean> {
  const boss = bossOf(trx);
  if (!boss) return false;
  const db = {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows,
    }),
  };
  await boss.send(queue, data, { ...options, db });
  // A job due now wakes a worker at commit; one due later is found by polling.
  if (!options.startAfter || options.startAfter.getTime() <= Date.now()) await announceQueued(trx, [queue]);
  return true;
}
