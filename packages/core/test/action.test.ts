import { defineEvent } from "@erp/contracts";
import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runBusinessAction } from "../src/action.js";
import { type Principal, SYSTEM_PRINCIPAL } from "../src/context.js";
import type { Database } from "../src/database.js";
import { refuse } from "../src/errors.js";
import { declarePublishes } from "../src/events/publishers.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";

// A throwaway domain: the kernel tables plus one table of notes.
const migrations = {
  "0001_notes": {
    up: async (db: any) => {
      await sql`create table kernel_test.notes (id serial primary key, text text not null unique)`.execute(db);
    },
  },
};

const note = (source: string) =>
  defineEvent({
    type: `${source}.note.written`,
    version: 1,
    source,
    aggregateType: "Note",
    payload: z.object({ text: z.string().min(1) }),
  });
const NoteWritten = note("kernel_test");
declarePublishes("kernel_test", [NoteWritten]);

const ACTOR: Principal = { ...SYSTEM_PRINCIPAL, subject: "tester" };

let database: Database;
const ctx = () => ({
  db: database.db,
  principal: ACTOR,
  requestId: "req-1",
  log: logger,
  domain: "kernel_test",
});
const count = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(table)}`.execute(database.db)).rows[0]!.n;

function writeNote(text: string, fail?: "rule" | "crash") {
  return runBusinessAction(
    ctx(),
    { operation: "writeNote", input: { idempotencyKey: `k-${text}`, text } },
    async (s) => {
      await sql`insert into kernel_test.notes (text) values (${text})`.execute(s.trx);
      await s.audit("Note", text);
      await s.emit(NoteWritten, text, { text });
      if (fail === "rule") refuse("NOTE_REFUSED", "Refused after writing", "text");
      if (fail === "crash") throw new Error("disk on fire");
      return { text };
    },
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateDomain(database.db, "kernel_test", migrations);
});
afterAll(() => database.close());

describe(`runBusinessAction on ${testDatabaseKind()}`, () => {
  it("commits the rows, one audit record, one outbox event and the payload together", async () => {
    expect(await writeNote("first")).toEqual({ text: "first", errors: [] });
    expect([
      await count("kernel_test.notes"),
      await count("kernel_test.audit_log"),
      await count("kernel_test.outbox_events"),
    ]).toEqual([1, 1, 1]);
  });

  it("a business refusal halfway leaves nothing behind, not even the idempotency key", async () => {
    const before = [
      await count("kernel_test.notes"),
      await count("kernel_test.audit_log"),
      await count("kernel_test.outbox_events"),
      await count("kernel_test.idempotency_keys"),
    ];
    const result = await writeNote("second", "rule");
    expect(result).toEqual({ errors: [{ code: "NOTE_REFUSED", field: ["text"], message: "Refused after writing" }] });
    expect([
      await count("kernel_test.notes"),
      await count("kernel_test.audit_log"),
      await count("kernel_test.outbox_events"),
      await count("kernel_test.idempotency_keys"),
    ]).toEqual(before);
  });

  it("an unexpected failure rolls back and propagates (to be masked at the edge)", async () => {
    const before = await count("kernel_test.notes");
    await expect(writeNote("third", "crash")).rejects.toThrow("disk on fire");
    expect(await count("kernel_test.notes")).toBe(before);
  });

  it("refuses an anonymous caller without touching the database (scopes are checked before resolvers)", async () => {
    const result = await runBusinessAction(
      { ...ctx(), principal: { subject: "anonymous", kind: "anonymous", roles: [], scopes: [] } },
      { operation: "writeNote", input: { idempotencyKey: "k-forbidden" } },
      async () => ({ ok: true }),
    );
    expect(result.errors[0]?.code).toBe("FORBIDDEN");
    expect(await count("kernel_test.idempotency_keys")).toBe(1);
  });

  it("scopes idempotency keys to the caller: another principal's same key is its own action", async () => {
    const other = { subject: "partner-b", kind: "partner" as const, roles: [], scopes: ["*"] };
    const write = (principal: Principal, text: string) =>
      runBusinessAction(
        { ...ctx(), principal },
        { operation: "writeNote", input: { idempotencyKey: "shared-key", text } },
        async (s) => {
          await sql`insert into kernel_test.notes (text) values (${text})`.execute(s.trx);
          return { text };
        },
      );
    expect(await write(ACTOR, "from A")).toEqual({ text: "from A", errors: [] });
    expect(await write(other, "from B")).toEqual({ text: "from B", errors: [] });
    expect(await count("kernel_test.notes")).toBe(3);
  });

  it("keeps the audit log append-only in the database itself", async () => {
    await expect(sql`update kernel_test.audit_log set actor = 'mallory'`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from kernel_test.audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    expect(await count("kernel_test.audit_log")).toBe(1);
  });
});

describe(`emit on ${testDatabaseKind()}`, () => {
  const emitting = (key: string, emit: Parameters<typeof runBusinessAction>[2]) =>
    runBusinessAction(ctx(), { operation: "writeNote", input: { idempotencyKey: key } }, emit);
  const outbox = () => count("kernel_test.outbox_events");

  it("records the contract's type, version and aggregate type on the outbox row", async () => {
    await emitting("emit-ok", async (s) => {
      await s.emit(NoteWritten, "n-1", { text: "hello" });
      return {};
    });
    const { rows } = await sql<{ type: string; version: number; aggregate_type: string; payload: unknown }>`
      select type, version, aggregate_type, payload from kernel_test.outbox_events where aggregate_id = 'n-1'`.execute(
      database.db,
    );
    expect(rows).toEqual([
      { type: "kernel_test.note.written", version: 1, aggregate_type: "Note", payload: { text: "hello" } },
    ]);
  });

  it("refuses another domain's contract, an undeclared one and a payload its schema refuses, and rolls back", async () => {
    const before = await outbox();
    const attempts: [string, (s: Parameters<Parameters<typeof runBusinessAction>[2]>[0]) => Promise<void>, RegExp][] = [
      ["foreign", (s) => s.emit(note("crm"), "n", { text: "x" }), /kernel_test may not emit crm.note.written/],
      ["undeclared", (s) => s.emit(note("kernel_test"), "n", { text: "x" }), /does not declare kernel_test.note/],
      ["malformed", (s) => s.emit(NoteWritten, "n", { text: "" }), /payload does not match its contract/],
    ];
    for (const [key, emit, error] of attempts)
      await expect(emitting(`emit-${key}`, async (s) => (await emit(s), {}))).rejects.toThrow(error);
    expect(await outbox()).toBe(before);
  });
});
