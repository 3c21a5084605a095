/** What a running event bus exposes to the rest of the kernel. */
export interface CommitListener {
  wake(): void;
}

const listeners = new WeakMap<object, CommitListener>();
// A handle made from another (db.withPlugin(…)) commits to the same database: same listener.
const origins = new WeakMap<object, object>();

/** Registers `derived` (e.g. `db.withPlugin(plugin)`) as the same database as `origin`. */
export function sameDatabase<T extends object>(derived: T, origin: object): T {
  origins.set(derived, origins.get(origin) ?? origin);
  return derived;
}

const originOf = (db: object): object => origins.get(db) ?? db;

export function listenForCommits(db: object, listener: CommitListener): void {
  listeners.set(db, listener);
}

export function stopListening(db: object): void {
  listeners.delete(db);
}

/** Called after a business transaction on `db` commits: the dispatcher wakes. */
export function committed(db: object): void {
  listeners.get(originOf(db))?.wake();
}

export const listenerFor = (db: object): CommitListener | undefined => listeners.get(originOf(db));
