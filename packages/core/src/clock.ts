import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Where business code reads the time. The system clock in production; a test hands the kernel
 * one it sets and moves, so time passes without rewriting rows with SQL.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const DAY_MS = 86_400_000;

/** The clock's day (UTC) shifted by whole days, as YYYY-MM-DD. */
export const clockDay = (clock: Clock, offsetDays = 0): string =>
  new Date(clock.now().getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10);

const running = new AsyncLocalStorage<Clock>();

/**
 * Runs an action, a handler or a job on its business clock, so what it calls without a scope in
 * hand (input date windows above all) judges "today" by the same clock as `scope.today()`.
 */
export const withBusinessClock = <T>(clock: Clock, work: () => T): T => running.run(clock, work);

/** The business clock of the action, handler or job running now; the system's outside one. */
export const businessClock = (): Clock => running.getStore() ?? systemClock;
