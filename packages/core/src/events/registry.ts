/** What a running event bus exposes to the rest of the kernel. */
export interface CommitListener {
  wake(): void;
}

const listeners = new WeakMap<object, CommitListener>();

export function listenForCommits(db: object, listener: CommitListener): void {
  listeners.set(db, listener);
}

export function stopListening(db: object): void {
  listeners.delete(db);
}

/** Called after a business transaction on `db` commits: the dispatcher wakes. */
export function committed(db: object): void {
  listeners.get(db)?.wake();
}

export const listenerFor = (db: object): CommitListener | undefined => listeners.get(db);
