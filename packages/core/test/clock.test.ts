import { randomUUID } from "node:crypto";
import { defineEvent } from "@erp/contracts";
import { createTestDatabase, testClock, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ActionScope, runBusinessAction } from "../src/action.js";
import { systemClock } from "../src/clock.js";
import { SYSTEM_PRINCIPAL } from "../src/context.js";
import type { Database } from "../src/database.js";
import { defineHandler, handleOnce } from "../src/events/handler.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";
import { runScheduledAction } from "../src/system-actions.js";
import { fields, isoDay, parseInput } from "../src/validation.js";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await migrateDomain(database.db, "clock_test", {});
});
afterAll(() => database.close());

/** What a scope says the time is. */
const readTime = async (s: ActionScope<unknown>) => ({ today: s.today(), now: s.now().toISOString() });

const act = (clock = testClock("2031-02-03")) =>
  runBusinessAction(
    { db: database.db, principal: SYSTEM_PRINCIPAL, requestId: "r", log: logger, domain: "clock_test", clock },
    { operation: "readTime", input: { idempotencyKey: randomUUID() } },
    readTime,
  );

describe(`the business clock on ${testDatabaseKind()}`, () => {
  it("gives an action the date of the clock its context carries, and moves when the clock moves", async () => {
    const clock = testClock("2031-02-03");
    expect(await act(clock)).toEqual({ today: "2031-02-03", now: "2031-02-03T12:00:00.000Z", errors: [] });
    clock.advanceDays(30);
    expect((await act(clock)).today).toBe("2031-03-05");
  });

  it("judges an input's date window by the action's clock, not the machine's", async () => {
    // A due date from today to 30 days ahead, as finance's windows read.
    const dueOn = z.object({ dueOn: fields.dateWithin("Due date", { pastDays: 0, futureDays: 30 }) });
    const decide = (clock: ReturnType<typeof testClock>, value: string) =>
      runBusinessAction(
        { db: database.db, principal: SYSTEM_PRINCIPAL, requestId: "r", log: logger, domain: "clock_test", clock },
        { operation: "setDueDate", input: { idempotencyKey: randomUUID() } },
        async () => parseInput(dueOn, { dueOn: value }),
      );
    const later = testClock(isoDay(400));
    expect((await decide(later, isoDay(410))).errors).toEqual([]);
    const refused = await decide(later, isoDay(0));
    expect(refused.errors).toEqual([
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        field: ["dueOn"],
        message: `Due date must be between ${isoDay(400)} and ${isoDay(430)}`,
      }),
    ]);
    // Outside any action the machine's day still decides.
    expect(() => parseInput(dueOn, { dueOn: isoDay(410) })).toThrow();
  });

  it("falls back to the system clock when the context names none", async () => {
    const result = await runBusinessAction(
      { db: database.db, principal: SYSTEM_PRINCIPAL, requestId: "r", log: logger, domain: "clock_test" },
      { operation: "readTime", input: { idempotencyKey: randomUUID() } },
      readTime,
    );
    expect(result.today).toBe(systemClock.now().toISOString().slice(0, 10));
  });

  it("gives event handlers and scheduled jobs the clock they are run with", async () => {
    const clock = testClock("2029-12-31");
    let seen: string | undefined;
    const happened = defineEvent({
      type: "other.thing.happened",
      version: 1,
      source: "other",
      aggregateType: "Thing",
      payload: z.object({}),
    });
    const handler = defineHandler(happened, "note-time", async (_, s: ActionScope<unknown>) => {
      seen = s.today();
    });
    const event = {
      id: randomUUID(),
      type: happened.type,
      source: "other",
      aggregateType: "Thing",
      aggregateId: "1",
      payload: {},
      occurredAt: clock.now().toISOString(),
      requestId: "r",
    };
    expect(await handleOnce(database.db, "clock_test", handler, event, clock)).toBe(true);
    expect(seen).toBe("2029-12-31");
    const job = await runScheduledAction(database.db, "clock_test", "readTime", "job-1", readTime, clock);
    expect(job.today).toBe("2029-12-31");
  });
});
