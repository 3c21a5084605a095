import { sql, type Transaction } from "kysely";
import type { Logger } from "pino";
import type { Database, Listening } from "../database.js";

/** The channel on which a transaction that queued jobs tells every process which queues got work. */
export const QUEUE_READY_CHANNEL = "erp_queue_ready";

/** A NOTIFY payload stops short of 8,000 bytes; a longer list of queues wakes every worker instead. */
const MAX_PAYLOAD = 7_000;
const EVERY_QUEUE = "*";

/** Which queues got work: some by name, or every queue this process works. */
export type ReadyQueues = readonly string[] | "all";

/**
 * Inside the transaction that queued jobs: names their queues on QUEUE_READY_CHANNEL. PostgreSQL
 * delivers the NOTIFY at commit, to every listening process, and never if the transaction rolls back.
 */
export async function announceQueued<DB>(trx: Transaction<DB>, queues: Iterable<string>): Promise<void> {
  const names = [...new Set(queues)].join(",");
  if (!names) return;
  const payload = names.length > MAX_PAYLOAD ? EVERY_QUEUE : names;
  await sql`select pg_notify(${QUEUE_READY_CHANNEL}, ${payload})`.execute(trx);
}

const parse = (payload: string): ReadyQueues => (payload === EVERY_QUEUE ? "all" : payload.split(","));

/**
 * Wakes this process's queue workers as soon as any process commits jobs for them, so workers need
 * not poll often: polling (EVENT_POLL_SECONDS) is only the net for what no NOTIFY announces (retries
 * coming due, a NOTIFY sent while this process was not listening). A lost listening connection is
 * re-established after 1 s, then up to 30 s apart; on return every worker is woken once, for the
 * NOTIFYs missed meanwhile.
 */
export class QueueWakeups {
  private listening?: Listening;
  private retry?: NodeJS.Timeout;
  private delayMs = 1_000;
  private stopped = false;

  private constructor(
    private readonly database: Database,
    private readonly wake: (queues: ReadyQueues) => void,
    private readonly log: Logger,
  ) {}

  /** Listens from now on; a first attempt that fails is retried as a lost connection would be. */
  static async start(database: Database, wake: (queues: ReadyQueues) => void, log: Logger): Promise<QueueWakeups> {
    const wakeups = new QueueWakeups(database, wake, log);
    await wakeups.listen();
    return wakeups;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.listening?.close();
  }

  private async listen(): Promise<void> {
    try {
      this.listening = await this.database.listen(
        QUEUE_READY_CHANNEL,
        (payload) => this.wake(parse(payload)),
        (error) => this.lost(error),
      );
      this.delayMs = 1_000;
      if (this.stopped) await this.listening.close();
    } catch (error) {
      this.lost(error as Error);
    }
  }

  private lost(error: Error): void {
    this.listening = undefined;
    if (this.stopped) return;
    this.log.warn({ err: error, retryInMs: this.delayMs }, "queue wake-ups lost; workers poll until they are back");
    this.retry = setTimeout(async () => {
      await this.listen();
      if (this.listening) this.wake("all");
    }, this.delayMs);
    this.retry.unref();
    this.delayMs = Math.min(30_000, this.delayMs * 2);
  }
}
