import { isoDay } from "./validation.js";

/**
 * Where business code reads the time. The system clock in production; a test hands the kernel
 * one it sets and moves, so time passes without rewriting rows with SQL.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The clock's day (UTC) shifted by whole days, as YYYY-MM-DD. */
export const clockDay = (clock: Clock, offsetDays = 0): string => isoDay(offsetDays, clock.now().getTime());
