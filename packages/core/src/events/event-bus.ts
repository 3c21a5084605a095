import type { EventConsumer } from "@erp/contracts";
import { CompiledQuery, sql, type Transaction } from "kysely";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import { type Clock, systemClock } from "../clock.js";
import { type Database, withStartupLock } from "../database.js";
import { isConnectionLost, refuse } from "../errors.js";
import type { KernelTables } from "../kernel-schema.js";
import { logger as rootLogger } from "../logger.js";
import { defineSettings, setting } from "../settings.js";
import type { SubgraphModule } from "../subgraph.js";
import { recordFailedDelivery } from "./dead-letters.js";
import { type DeliveredEvent, type EventHandler, handleOnce, MalformedEvent, queueName } from "./handler.js";
import { startModuleWorkers } from "./module-queues.js";
import { listenerFor, listenForCommits, stopListening } from "./registry.js";
import { allConsumerQueues, type EventRoutes, eventRoutes } from "./routes.js";
import { announceQueued, QueueWakeups, type ReadyQueues } from "./wakeups.js";

/** Lets pg-boss write inside one of our transactions, so a job exists only if the transaction commits. */
function transactionAdapter<DB>(trx: Transaction<DB>) {
  return {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows,
    }),
  };
}

/** An event as a handler queue holds it: the queue travels along, so its dead letter knows where it failed. */
type QueuedEvent = DeliveredEvent & { queue?: string };

/** Where pg-boss moves a delivery that failed its last attempt, however it failed (error, timeout, dead worker). */
export const DEAD_LETTER_QUEUE = "event-dead-letters";

/** The work's outcome, or a failure once it has run `ms` (the work itself runs on; its result is ignored). */
function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the handler did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

let lostStatementsTolerated = false;

/**
 * pg-boss completes and fails a worker's jobs without awaiting them (pg-boss 10.4,
 * `Manager.work`'s onFetch): when the connection is lost meanwhile (a PostgreSQL restart, a
 * failover, pg_terminate_backend), that rejection is unhandled, and Node ends the process on an
 * unhandled rejection. So a process running a bus lets an unhandled rejection pass when, and only
 * when, it is a lost database connection: it is logged, and the job left active expires and is
 * retried (the handler's inbox keeps the retry from applying twice). Any other unhandled rejection
 * still ends the process, as Node's default does.
 */
function tolerateLostStatements(log: Logger): void {
  if (lostStatementsTolerated) return;
  lostStatementsTolerated = true;
  process.on("unhandledRejection", (reason) => {
    if (!isConnectionLost(reason)) throw reason;
    log.warn({ err: reason }, "a database statement nobody awaited lost its connection; the process keeps serving");
  });
}

/** True when a queue already behaves as these options say. */
function sameOptions(queue: PgBoss.QueueResult, options: Omit<PgBoss.Queue, "name">): boolean {
  return (
    queue.retryLimit === options.retryLimit &&
    queue.retryDelay === options.retryDelay &&
    queue.retryBackoff === options.retryBackoff &&
    queue.expireInSeconds === options.expireInSeconds &&
    queue.deadLetter === options.deadLetter
  );
}

/** Outbox events one relay transaction moves at most. */
const RELAY_BATCH = 500;

/** The event bus's settings, read from the environment (see README, "Configuration"). */
export const eventBusSettings = defineSettings({
  handlerConcurrency: setting.count("EVENT_HANDLER_CONCURRENCY", 8, 1, 100),
  handlerTimeoutSeconds: setting.count("EVENT_HANDLER_TIMEOUT_SECONDS", 20, 2, 3_600),
  outboxSweepSeconds: setting.count("OUTBOX_SWEEP_SECONDS", 2, 1, 300),
  pollSeconds: setting.count("EVENT_POLL_SECONDS", 2, 1, 60),
});

export interface EventBusOptions {
  /** Attempts after the first before a delivery is dead-lettered. */
  retryLimit?: number;
  /** First retry delay; doubles with each attempt (pg-boss backoff). */
  retryDelaySeconds?: number;
  /**
   * How often each queue's workers look for work nobody announced (EVENT_POLL_SECONDS): retries
   * coming due, or jobs queued while this process was not listening. Announced work (a NOTIFY at
   * the commit that queued it, see wakeups.ts) wakes them at once.
   */
  pollingIntervalSeconds?: number;
  /** Deliveries each handler queue works at once (EVENT_HANDLER_CONCURRENCY). */
  concurrency?: number;
  /**
   * How long a delivery may stay active before pg-boss takes it back and tries again
   * (EVENT_HANDLER_TIMEOUT_SECONDS): the bound on how long a crashed process's deliveries wait.
   */
  handlerTimeoutSeconds?: number;
  /** How often this process sweeps its own outboxes for events a failed relay left (OUTBOX_SWEEP_SECONDS). */
  sweepIntervalSeconds?: number;
  /** The static routing table; @erp/contracts' eventConsumers unless a test brings its own. */
  consumers?: readonly EventConsumer[];
  log?: Logger;
  /** The business clock handlers and scheduled jobs decide dates by; the system's by default. */
  clock?: Clock;
}

type Settings = Required<Omit<EventBusOptions, "consumers">>;

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
 * domain's inbox. Queues and routes come from the static consumer table, created up front.
 * Undelivered events survive restarts: the relay runs at start, after every commit it hears of,
 * and on this process's own sweep timer.
 */
export class EventBus {
  private relaying?: Promise<void>;
  private again = false;
  /** Domains whose outbox may hold events since the last relay, or every domain of this process. */
  private readonly dirty = new Set<string>();
  private everyDomain = false;
  /** pg-boss worker ids by the queue they work, to wake the right ones when work is announced. */
  private readonly workers = new Map<string, string[]>();
  private wakeups?: QueueWakeups;
  private sweeper?: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    readonly boss: PgBoss,
    private readonly database: Database,
    private readonly modules: SubgraphModule[],
    private readonly options: Settings,
    private readonly routes: EventRoutes,
  ) {}

  static async start(database: Database, modules: SubgraphModule[], options: EventBusOptions = {}): Promise<EventBus> {
    const configured = eventBusSettings();
    const settings: Settings = {
      retryLimit: options.retryLimit ?? 5,
      retryDelaySeconds: options.retryDelaySeconds ?? 2,
      pollingIntervalSeconds: options.pollingIntervalSeconds ?? configured.pollSeconds,
      concurrency: options.concurrency ?? configured.handlerConcurrency,
      handlerTimeoutSeconds: options.handlerTimeoutSeconds ?? configured.handlerTimeoutSeconds,
      sweepIntervalSeconds: options.sweepIntervalSeconds ?? configured.outboxSweepSeconds,
      log: options.log ?? rootLogger.child({ component: "event-bus" }),
      clock: options.clock ?? systemClock,
    };
    const boss = new PgBoss({
      db: { executeSql: (text, values) => database.executeRaw(text, values) },
      schema: "pgboss",
      pollingIntervalSeconds: settings.pollingIntervalSeconds,
      // Expiry of deliveries whose worker died is checked this often (one process does it per tick).
      maintenanceIntervalSeconds: Math.max(1, Math.min(10, Math.floor(settings.handlerTimeoutSeconds / 2))),
    });
    // pg-boss reports a failed poll (e.g. a dropped connection) and polls again: the process keeps serving.
    boss.on("error", (error) => settings.log.error({ err: error }, "pg-boss error"));
    tolerateLostStatements(settings.log);
    const bus = new EventBus(boss, database, modules, settings, eventRoutes(modules, options.consumers));
    // pg-boss's schema and every queue are DDL: processes starting together take turns.
    await withStartupLock(database, async () => {
      await boss.start();
      await bus.createQueues();
      await bus.scheduleJobs();
      // Domains' own job queues (e.g. webhook sending), worked outside any business transaction.
      await startModuleWorkers(
        {
          boss,
          database,
          ...settings,
          createQueue: (q, o) => boss.createQueue(q, o),
          worksOn: (queue, id) => bus.worksOn(queue, id),
        },
        modules,
      );
    });
    listenForCommits(database.db, bus);
    await bus.startWorkers();
    bus.wakeups = await QueueWakeups.start(database, (queues) => bus.wakeWorkers(queues), settings.log);
    bus.sweeper = setInterval(() => bus.wake(), settings.sweepIntervalSeconds * 1000);
    bus.sweeper.unref();
    await bus.relayNow();
    return bus;
  }

  /** The dead-letter queue, then every handler queue this process sends to or works, where missing. */
  private async createQueues(): Promise<void> {
    const existing = new Map((await this.boss.getQueues()).map((q) => [q.name, q]));
    if (!existing.has(DEAD_LETTER_QUEUE))
      await this.boss.createQueue(DEAD_LETTER_QUEUE, { name: DEAD_LETTER_QUEUE, retryLimit: 5, retryDelay: 5 });
    const options = {
      retryLimit: this.options.retryLimit,
      retryDelay: this.options.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: this.options.handlerTimeoutSeconds,
      deadLetter: DEAD_LETTER_QUEUE,
    };
    const own = new Set(this.routes.own);
    for (const queue of this.routes.all) {
      const found = existing.get(queue);
      if (!found) await this.boss.createQueue(queue, { name: queue, ...options });
      // The consumer's process decides how its own queues behave, also for queues made before.
      else if (own.has(queue) && !sameOptions(found, options))
        await this.boss.updateQueue(queue, { name: queue, ...options });
    }
    // Each process now sweeps its own outboxes on a timer; the shared cron sweep of earlier versions is gone.
    await this.boss.unschedule("outbox-sweep");
  }

  /** Each domain's scheduled jobs, on pg-boss's cron: one run per tick across all processes. */
  private async scheduleJobs(): Promise<void> {
    for (const module of this.modules)
      for (const job of module.jobs ?? []) {
        const queue = `${module.name}-${job.name}`;
        await this.boss.createQueue(queue, {
          name: queue,
          policy: "singleton",
          retryLimit: 2,
          retryDelay: 30,
        } as PgBoss.Queue);
        await this.boss.schedule(queue, job.cron);
      }
  }

  private async startWorkers(): Promise<void> {
    for (const module of this.modules) {
      for (const handler of (module.handlers ?? []) as EventHandler[]) {
        const queue = queueName(module.name, handler);
        await this.workOn(queue, this.options.concurrency, (job) => this.deliver(module, handler, queue, job));
      }
      for (const job of module.jobs ?? [])
        await this.boss.work(
          `${module.name}-${job.name}`,
          { pollingIntervalSeconds: this.options.pollingIntervalSeconds },
          async () => {
            await job.run(this.database.db, this.options.clock);
            this.wake(module.name);
          },
        );
    }
    await this.workOn(DEAD_LETTER_QUEUE, 1, (job) => this.recordDeadLetter(job));
  }

  /**
   * Works a queue `concurrency` deliveries at a time: pg-boss fetches them in one batch, they run
   * together, each failure is reported on its own (the others complete), and a full batch fetches
   * the next at once instead of waiting for the polling interval.
   */
  private async workOn(
    queue: string,
    concurrency: number,
    work: (job: PgBoss.JobWithMetadata<QueuedEvent>) => Promise<void>,
  ): Promise<void> {
    const options = {
      pollingIntervalSeconds: this.options.pollingIntervalSeconds,
      includeMetadata: true as const,
      batchSize: concurrency,
    };
    // Just before pg-boss would time the batch out: the job fails with our message while still
    // active, and a handler that finishes (or fails) later changes nothing in the queue.
    const limitMs = Math.max(1_000, this.options.handlerTimeoutSeconds * 1000 - 500);
    const id = await this.boss.work<QueuedEvent>(queue, options, async (jobs) => {
      await Promise.all(
        jobs.map((job) =>
          withinTime(work(job), limitMs).catch((error) =>
            this.boss.fail(queue, job.id, { message: error instanceof Error ? error.message : String(error) }),
          ),
        ),
      );
      if (jobs.length > 0) this.boss.notifyWorker(id);
    });
    this.worksOn(queue, id);
  }

  /** Records a worker of this process on a queue, to be woken when work for it is announced. */
  private worksOn(queue: string, id: string): void {
    this.workers.set(queue, [...(this.workers.get(queue) ?? []), id]);
  }

  /** Wakes this process's workers on the queues named (or on every queue): they fetch at once. */
  private wakeWorkers(queues: ReadyQueues): void {
    if (this.stopped) return;
    const ids = queues === "all" ? [...this.workers.values()].flat() : queues.flatMap((q) => this.workers.get(q) ?? []);
    for (const id of ids) this.boss.notifyWorker(id);
  }

  private async deliver(
    module: SubgraphModule,
    handler: EventHandler,
    queue: string,
    job: PgBoss.JobWithMetadata<QueuedEvent>,
  ): Promise<void> {
    const { queue: _queue, ...event } = job.data;
    const log = this.options.log.child({ requestId: event.requestId, eventId: event.id, queue });
    try {
      const applied = await handleOnce(this.database.db, module.name, handler, event, this.options.clock);
      log.debug({ applied }, applied ? "event handled" : "duplicate delivery ignored");
      if (applied) this.wake(module.name);
    } catch (error) {
      if (error instanceof MalformedEvent) {
        // The same payload fails the same way every time: dead-lettered now, the job completes.
        log.error({ err: error, issues: error.issues }, "event refused by its contract");
        const failure = { queue, domain: module.name, handler: handler.name, event, error };
        await recordFailedDelivery(this.database.db, { ...failure, attempts: job.retryCount + 1 });
        return;
      }
      // On the last attempt pg-boss moves the job to the dead-letter queue (recordDeadLetter).
      log.error(
        { err: error, attempt: job.retryCount + 1, final: job.retryCount >= job.retryLimit },
        "event handler failed",
      );
      throw error;
    }
  }

  /** A delivery pg-boss gave up on (its handler failed, timed out, or its worker died), kept for an operator. */
  private async recordDeadLetter(job: PgBoss.JobWithMetadata<QueuedEvent>): Promise<void> {
    const { queue = "unknown:unknown.unknown", ...event } = job.data;
    const [, consumer = ""] = queue.split(":");
    const dot = consumer.indexOf(".");
    const output = job.output as { message?: string; value?: { message?: string } } | null;
    await recordFailedDelivery(this.database.db, {
      id: job.id,
      queue,
      domain: consumer.slice(0, dot),
      handler: consumer.slice(dot + 1),
      event,
      error: output?.message ?? output?.value?.message ?? "the delivery failed",
      attempts: job.retryLimit + 1,
    });
  }

  /**
   * Asks for a relay soon of one domain's outbox (after its transaction committed), or of every
   * domain of this process (the sweep timer). Wakes that come while a relay runs are gathered into
   * the next pass, so a burst of commits costs a pass, not a relay each.
   */
  wake(domain?: string): void {
    if (this.stopped) return;
    if (domain === undefined) this.everyDomain = true;
    else this.dirty.add(domain);
    if (this.relaying) {
      this.again = true;
      return;
    }
    void this.relay().catch((error) => this.options.log.error({ err: error }, "outbox relay failed"));
  }

  /** Moves every unpublished outbox event of this process's domains to the handler queues. */
  relayNow(): Promise<void> {
    this.everyDomain = true;
    return this.relay();
  }

  private relay(): Promise<void> {
    if (this.relaying) {
      this.again = true;
      return this.relaying;
    }
    this.relaying = (async () => {
      do {
        this.again = false;
        const own = this.modules.map((m) => m.name);
        const domains = this.everyDomain ? own : own.filter((d) => this.dirty.has(d));
        this.everyDomain = false;
        this.dirty.clear();
        const filled = new Set<string>();
        for (const domain of domains) {
          const { queues, full } = await this.relayDomain(domain);
          for (const queue of queues) filled.add(queue);
          // A full batch leaves more behind: the domain goes round again.
          if (full) {
            this.dirty.add(domain);
            this.again = true;
          }
        }
        // Workers in this process start at once; other processes hear of the jobs by NOTIFY at the relay's commit.
        this.wakeWorkers([...filled]);
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.relaying = undefined;
    });
    return this.relaying;
  }

  /** Relays up to 500 of a domain's events in one transaction: the queues that received jobs, and whether it took 500. */
  private relayDomain(domain: string): Promise<{ queues: string[]; full: boolean }> {
    return this.database.db.transaction().execute(async (trx) => {
      const outbox = trx.withSchema(domain) as unknown as Transaction<KernelTables>;
      const rows = await outbox
        .selectFrom("outbox_events")
        .selectAll()
        .where("published_at", "is", null)
        .orderBy("sequence")
        .limit(RELAY_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (!rows.length) return { queues: [], full: false };
      const jobs = rows.flatMap((row) => {
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
        return (this.routes.byEvent.get(row.type) ?? []).map((queue) => ({ name: queue, data: { ...event, queue } }));
      });
      if (jobs.length) {
        await this.boss.insert(jobs, { db: transactionAdapter(trx) });
        await announceQueued(
          trx,
          jobs.map((j) => j.name),
        );
      }
      await outbox
        .updateTable("outbox_events")
        .set({ published_at: sql`now()` })
        .where(
          "id",
          "in",
          rows.map((r) => r.id),
        )
        .execute();
      return { queues: [...new Set(jobs.map((j) => j.name))], full: rows.length === RELAY_BATCH };
    });
  }

  /**
   * Waits until this process's outboxes hold no unpublished event and none of its queues holds
   * work (queued, waiting to retry or active), through pg-boss's public queue sizes; for tests,
   * seeding and shutdown.
   */
  async settle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // The queues and the outboxes are read one after another, so work moving between them while
    // they are read can hide: quiet means two readings in a row found nothing.
    let quietReadings = 0;
    while (Date.now() < deadline) {
      await this.relayNow();
      const work = await pendingEventWork(this.database, {
        domains: this.modules.map((m) => m.name),
        queues: [...this.routes.all, DEAD_LETTER_QUEUE],
        boss: this.boss,
      });
      quietReadings = work.unpublished === 0 && work.queued === 0 ? quietReadings + 1 : 0;
      if (quietReadings === 2) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("event bus did not settle in time");
  }

  /**
   * Sends a failed delivery to its handler again, inside the caller's transaction; refuses, as a
   * business error, when the queue no longer exists (the handler was removed or renamed).
   */
  async redeliver<DB>(trx: Transaction<DB>, queue: string, event: DeliveredEvent<unknown>): Promise<void> {
    // pg-boss inserts a job only into a queue that exists; otherwise it returns no id.
    const id = await this.boss.send(queue, { ...event, queue }, { db: transactionAdapter(trx) });
    if (!id) refuse("EVENT_QUEUE_GONE", `The queue ${queue} no longer exists: no handler would receive the event`);
    await announceQueued(trx, [queue]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await this.relaying?.catch(() => undefined);
    await this.wakeups?.stop();
    await this.boss.stop({ graceful: true, wait: true, timeout: 5_000 });
    stopListening(this.database.db);
  }
}

/** Work the event flow still has: events not yet relayed, deliveries not yet done. */
export interface PendingEventWork {
  unpublished: number;
  queued: number;
}

/**
 * How much event work is outstanding, through supported means only: the domains' outboxes and
 * pg-boss's public queue sizes (created, retry and active jobs). Without a running bus (a test
 * harness watching split processes), a pg-boss handle that is never started reads the sizes.
 */
export async function pendingEventWork(
  database: Database,
  {
    domains,
    queues = [...allConsumerQueues(), DEAD_LETTER_QUEUE],
    boss,
  }: { domains: readonly string[]; queues?: readonly string[]; boss?: PgBoss },
): Promise<PendingEventWork> {
  const reader =
    boss ?? new PgBoss({ db: { executeSql: (text, values) => database.executeRaw(text, values) }, schema: "pgboss" });
  let queued = 0;
  for (const queue of queues) queued += (await reader.getQueueSize(queue, { before: "completed" })) ?? 0;
  let unpublished = 0;
  for (const domain of domains) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(domain)}.outbox_events where published_at is null`.execute(database.db);
    unpublished += rows[0]!.n;
  }
  return { unpublished, queued };
}
