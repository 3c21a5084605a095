/** What a running event bus exposes to the rest of the kernel. */
export interface CommitListener {
  /** A transaction of `domain` committed (every domain when absent): its outbox may hold new events. */
  wake(domain?: string): void;
}

const listeners = new WeakMap<object, CommitListener>();

/**
 * One key per database, shared by every handle derived from it (withPlugin, withSchema,
 * transactions): Kysely gives each database its own adapter and passes it down to them.
 */
const originOf = (db: object): object =>
  (db as { getExecutor?: () => { adapter: object } }).getExecutor?.().adapter ?? db;

export function listenForCommits(db: object, listener: CommitListener): void {
  listeners.set(originOf(db), listener);
}

export function stopListening(db: object): void {
  listeners.delete(originOf(db));
}

/** Called after a business transaction of `domain` on `db` commits: the dispatcher relays that domain's outbox. */
export function committed(db: object, domain?: string): void {
  listeners.get(originOf(db))?.wake(domain);
}

export const listenerFor = (db: object): CommitListener | undefined => listeners.get(originOf(db));
