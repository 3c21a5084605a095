import { CompiledQuery, sql, type Transaction } from "kysely";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import { type Clock, systemClock } from "../clock.js";
import type { Database } from "../database.js";
import type { KernelTables } from "../kernel-schema.js";
import { logger as rootLogger } from "../logger.js";
import type { SubgraphModule } from "../subgraph.js";
import { recordFailedDelivery } from "./dead-letters.js";
import {
  type DeliveredEvent,
  type EventHandler,
  eventTypeOfQueue,
  handleOnce,
  MalformedEvent,
  queueName,
} from "./handler.js";
import { startModuleWorkers } from "./module-queues.js";
import { listenerFor, listenForCommits, stopListening } from "./registry.js";

/** Lets pg-boss write inside one of our transactions, so a job exists only if the transaction commits. */
function transactionAdapter<DB>(trx: Transaction<DB>) {
  return {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows,
    }),
  };
}

/**
 * pg-boss creates each queue as a partition of its job table; processes starting together on one
 * PostgreSQL database (a split deployment brought up at once) deadlock on those DDL locks, and
 * PostgreSQL aborts one side. The step is idempotent, so the aborted side tries again after a
 * random pause that grows with each attempt.
 */
async function untilNoDeadlock<T>(step: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01" || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
    }
  }
}

export interface EventBusOptions {
  /** Attempts after the first before a delivery is dead-lettered. */
  retryLimit?: number;
  /** First retry delay; doubles with each attempt (pg-boss backoff). */
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  log?: Logger;
  /** The business clock handlers and scheduled jobs decide dates by; the system's by default. */
  clock?: Clock;
}

/** The bus running in this process over this database, if any. */
export const eventBusFor = (db: object): EventBus | undefined => {
  const listener = listenerFor(db);
  return listener instanceof EventBus ? listener : undefined;
};

/**
 * Delivers each domain's outbox events to the handlers of other domains, at least once, on
 * pg-boss (a Postgres job queue; on PGlite through the same serialised connection). The relay
 * moves events from an outbox to the handler queues and marks them published in one
 * transaction, so an event is enqueued exactly once; handlers are idempotent through their
 * domain's inbox. Undelivered events survive restarts: the relay runs at start, after every
 * commit it hears of, and every minute on a pg-boss schedule.
 */
export class EventBus {
  private relaying?: Promise<void>;
  private again = false;
  private readonly workers: string[] = [];
  private stopped = false;

  private constructor(
    readonly boss: PgBoss,
    private readonly database: Database,
    private readonly modules: SubgraphModule[],
    private readonly options: Required<EventBusOptions>,
  ) {}

  static async start(database: Database, modules: SubgraphModule[], options: EventBusOptions = {}): Promise<EventBus> {
    const settings = {
      retryLimit: options.retryLimit ?? 5,
      retryDelaySeconds: options.retryDelaySeconds ?? 2,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
      log: options.log ?? rootLogger.child({ component: "event-bus" }),
      clock: options.clock ?? systemClock,
    };
    const boss = new PgBoss({
      db: { executeSql: (text, values) => database.executeRaw(text, values) },
      schema: "pgboss",
      pollingIntervalSeconds: settings.pollingIntervalSeconds,
    });
    boss.on("error", (error) => settings.log.error({ err: error }, "pg-boss error"));
    await untilNoDeadlock(() => boss.start());
    const bus = new EventBus(boss, database, modules, settings);
    listenForCommits(database.db, bus);
    await bus.startWorkers();
    await bus.scheduleJobs();
    await startModuleWorkers({ boss, database, ...settings, createQueue: (q, o) => bus.createQueue(q, o) }, modules);
    await untilNoDeadlock(() =>
      boss.createQueue("outbox-sweep", { name: "outbox-sweep", policy: "singleton" } as PgBoss.Queue),
    );
    await untilNoDeadlock(() => boss.schedule("outbox-sweep", "* * * * *"));
    await boss.work("outbox-sweep", async () => bus.relayNow());
    await bus.relayNow();
    return bus;
  }

  private createQueue(queue: string, options: PgBoss.Queue): Promise<void> {
    return untilNoDeadlock(() => this.boss.createQueue(queue, options));
  }

  private async startWorkers(): Promise<void> {
    for (const module of this.modules)
      for (const handler of (module.handlers ?? []) as EventHandler[]) {
        const queue = queueName(module.name, handler);
        await this.createQueue(queue, {
          name: queue,
          retryLimit: this.options.retryLimit,
          retryDelay: this.options.retryDelaySeconds,
          retryBackoff: true,
        });
        const id = await this.boss.work<DeliveredEvent>(
          queue,
          { pollingIntervalSeconds: this.options.pollingIntervalSeconds, includeMetadata: true, batchSize: 1 },
          async ([job]) => this.deliver(module, handler, queue, job!),
        );
        this.workers.push(id);
      }
  }

  /** Each domain's scheduled jobs, on pg-boss's cron: one run per tick across all processes. */
  private async scheduleJobs(): Promise<void> {
    for (const module of this.modules)
      for (const job of module.jobs ?? []) {
        const queue = `${module.name}-${job.name}`;
        await this.createQueue(queue, {
          name: queue,
          policy: "singleton",
          retryLimit: 2,
          retryDelay: 30,
        } as PgBoss.Queue);
        await untilNoDeadlock(() => this.boss.schedule(queue, job.cron));
        await this.boss.work(queue, async () => {
          await job.run(this.database.db, this.options.clock);
          this.wake();
        });
      }
  }

  private async deliver(
    module: SubgraphModule,
    handler: EventHandler,
    queue: string,
    job: PgBoss.JobWithMetadata<DeliveredEvent>,
  ) {
    const log = this.options.log.child({ requestId: job.data.requestId, eventId: job.data.id, queue });
    const failure = { queue, domain: module.name, handler: handler.name, event: job.data };
    try {
      const applied = await handleOnce(this.database.db, module.name, handler, job.data, this.options.clock);
      log.debug({ applied }, applied ? "event handled" : "duplicate delivery ignored");
      this.wake();
    } catch (error) {
      if (error instanceof MalformedEvent) {
        // The same payload fails the same way every time: dead-lettered now, the job completes.
        log.error({ err: error, issues: error.issues }, "event refused by its contract");
        await recordFailedDelivery(this.database.db, { ...failure, error, attempts: job.retryCount + 1 });
        return;
      }
      const final = job.retryCount >= job.retryLimit;
      log.error({ err: error, attempt: job.retryCount + 1, final }, "event handler failed");
      if (final) await recordFailedDelivery(this.database.db, { ...failure, error, attempts: job.retryCount + 1 });
      throw error;
    }
  }

  /** Asks for a relay soon; called after a business transaction commits. */
  wake(): void {
    if (this.stopped) return;
    if (this.relaying) {
      this.again = true;
      return;
    }
    void this.relayNow().catch((error) => this.options.log.error({ err: error }, "outbox relay failed"));
  }

  /** Moves every unpublished outbox event of this process's domains to the handler queues. */
  async relayNow(): Promise<void> {
    if (this.relaying) {
      this.again = true;
      return this.relaying;
    }
    this.relaying = (async () => {
      do {
        this.again = false;
        const routes = await this.routes();
        let moved = 0;
        for (const module of this.modules) moved += await this.relayDomain(module.name, routes);
        if (moved) for (const id of this.workers) this.boss.notifyWorker(id);
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.relaying = undefined;
    });
    return this.relaying;
  }

  /** Handler queues by event type, from pg-boss's queue list: consumers in other processes count too. */
  private async routes(): Promise<Map<string, string[]>> {
    const routes = new Map<string, string[]>();
    for (const { name } of await this.boss.getQueues()) {
      if (!name.includes(":")) continue;
      const type = eventTypeOfQueue(name);
      routes.set(type, [...(routes.get(type) ?? []), name]);
    }
    return routes;
  }

  private relayDomain(domain: string, routes: Map<string, string[]>): Promise<number> {
    return this.database.db.transaction().execute(async (trx) => {
      const outbox = trx.withSchema(domain) as unknown as Transaction<KernelTables>;
      const rows = await outbox
        .selectFrom("outbox_events")
        .selectAll()
        .where("published_at", "is", null)
        .orderBy("sequence")
        .limit(100)
        .forUpdate()
        .skipLocked()
        .execute();
      const db = transactionAdapter(trx);
      for (const row of rows) {
        const event: DeliveredEvent = {
          id: row.id,
          type: row.type,
          version: row.version,
          source: domain,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          payload: row.payload as Record<string, unknown>,
          occurredAt: new Date(row.occurred_at).toISOString(),
          requestId: row.request_id,
        };
        for (const queue of routes.get(row.type) ?? []) await this.boss.send(queue, event, { db });
      }
      if (rows.length)
        await outbox
          .updateTable("outbox_events")
          .set({ published_at: sql`now()` })
          .where(
            "id",
            "in",
            rows.map((r) => r.id),
          )
          .execute();
      return rows.length;
    });
  }

  /** Waits until no outbox holds an unpublished event and no handler queue holds work; for tests and shutdown. */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.relayNow();
      if ((await this.pendingJobs()) === 0 && (await this.unpublished()) === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("event bus did not settle in time");
  }

  private async pendingJobs(): Promise<number> {
    const { rows } = await this.database.executeRaw(
      "select count(*)::int as n from pgboss.job where name like '%:%' and state in ('created', 'retry', 'active')",
    );
    return rows[0].n;
  }

  private async unpublished(): Promise<number> {
    let total = 0;
    for (const module of this.modules) {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.id(module.name)}.outbox_events where published_at is null`.execute(
        this.database.db,
      );
      total += rows[0]!.n;
    }
    return total;
  }

  /** Sends a failed delivery to its handler again, inside the caller's transaction. */
  async redeliver<DB>(trx: Transaction<DB>, queue: string, event: DeliveredEvent<unknown>): Promise<void> {
    await this.boss.send(queue, event, { db: transactionAdapter(trx) });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.relaying?.catch(() => undefined);
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    stopListening(this.database.db);
  }
}
