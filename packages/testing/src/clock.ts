import type { Clock } from "@erp/core";

const DAY_MS = 86_400_000;

/** A business clock a test sets and moves; it stands still between moves. */
export interface TestClock extends Clock {
  /** Today by this clock, YYYY-MM-DD (UTC). */
  today(): string;
  /** Jumps to a day (noon UTC) or an instant. */
  set(to: string | Date): void;
  /** Moves forward (or back, when negative) by whole days. */
  advanceDays(days: number): void;
}

/** A clock at `start` (a YYYY-MM-DD day, at noon UTC, or an instant); now when absent. */
export function testClock(start: string | Date = new Date()): TestClock {
  let instant = 0;
  const clock: TestClock = {
    now: () => new Date(instant),
    today: () => new Date(instant).toISOString().slice(0, 10),
    set: (to) => {
      instant = typeof to === "string" ? Date.parse(`${to}T12:00:00Z`) : to.getTime();
      if (Number.isNaN(instant)) throw new Error(`Not a day or an instant: ${String(to)}`);
    },
    advanceDays: (days) => {
      instant += days * DAY_MS;
    },
  };
  clock.set(start);
  return clock;
}
