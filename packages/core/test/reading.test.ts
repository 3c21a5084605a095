import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { type Generated, type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionResolvers } from "../src/action-resolvers.js";
import { encodeCursor, keysetPage } from "../src/connection.js";
import { SYSTEM_PRINCIPAL } from "../src/context.js";
import type { Database } from "../src/database.js";
import { listLoaderByKey, loaderByKey } from "../src/loaders.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";

interface ReadingDatabase {
  "kernel_read.items": { seq: Generated<string>; name: string; colour: string };
}

const migrations = {
  "0001_items": {
    up: async (db: any) => {
      await sql`create table kernel_read.items (seq bigserial primary key, name text not null, colour text not null)`.execute(
        db,
      );
    },
  },
};

let database: Database;
let db: Kysely<ReadingDatabase>;
const items = () => db.selectFrom("kernel_read.items").selectAll();
const names = (page: { nodes: { name: string }[] }) => page.nodes.map((n) => n.name);
const oldestFirst = { kind: "Item", order: "oldest first" } as const;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateDomain(database.db, "kernel_read", migrations);
  db = database.db as Kysely<ReadingDatabase>;
  await db
    .insertInto("kernel_read.items")
    .values(["a", "b", "c", "d", "e"].map((name, i) => ({ name, colour: i % 2 ? "red" : "blue" })))
    .execute();
});
afterAll(() => database.close());

describe(`keysetPage on ${testDatabaseKind()}`, () => {
  it("walks every row once, oldest first, and says where the list ends", async () => {
    const first = await keysetPage(oldestFirst, { first: 2 }).fetch(items(), (r) => r);
    expect(names(first)).toEqual(["a", "b"]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.startCursor).toBe(first.edges[0]!.cursor);

    const second = await keysetPage(oldestFirst, { first: 2, after: first.pageInfo.endCursor }).fetch(
      items(),
      (r) => r,
    );
    expect(names(second)).toEqual(["c", "d"]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const last = await keysetPage(oldestFirst, { first: 2, after: second.pageInfo.endCursor }).fetch(items(), (r) => r);
    expect(names(last)).toEqual(["e"]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const beyond = await keysetPage(oldestFirst, { first: 2, after: last.pageInfo.endCursor }).fetch(items(), (r) => r);
    expect(beyond).toMatchObject({ nodes: [], pageInfo: { hasNextPage: false, startCursor: null, endCursor: null } });
  });

  it("pages newest first, within the caller's filter, with a page exactly the list's length", async () => {
    const newest = { kind: "Item", order: "newest first" } as const;
    const all = await keysetPage(newest, { first: 5 }).fetch(items(), (r) => r);
    expect(names(all)).toEqual(["e", "d", "c", "b", "a"]);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const blue = () => items().where("colour", "=", "blue");
    const first = await keysetPage(newest, { first: 1 }).fetch(blue(), (r) => r);
    const rest = await keysetPage(newest, { after: first.pageInfo.endCursor }).fetch(blue(), (r) => r);
    expect([names(first), names(rest)]).toEqual([["e"], ["c", "a"]]);
  });

  it("refuses a page size out of range and a cursor of another list or none at all", () => {
    for (const first of [0, 101, 2.5])
      expect(() => keysetPage(oldestFirst, { first })).toThrow(/first must be between 1 and 100/);
    for (const after of [encodeCursor("Order", "1"), "not-a-cursor", encodeCursor("Item", "1; drop table")])
      expect(() => keysetPage(oldestFirst, { after })).toThrow(/after is not a cursor of this list/);
  });
});

describe(`by-key loaders on ${testDatabaseKind()}`, () => {
  it("loads one item per key in one query, null for a key nothing matches", async () => {
    const asked: string[][] = [];
    const byName = loaderByKey(
      (keys) => (asked.push(keys), items().where("name", "in", keys).execute()),
      (r) => r.name,
    );
    const found = await Promise.all(["c", "zz", "a"].map((k) => byName.load(k)));
    expect(found.map((r) => r?.name ?? null)).toEqual(["c", null, "a"]);
    expect(asked).toEqual([["c", "zz", "a"]]);
  });

  it("loads every row of each key in order, and keeps refused keys away from SQL", async () => {
    const asked: string[][] = [];
    const byColour = listLoaderByKey(
      (keys) => (asked.push(keys), items().where("colour", "in", keys).orderBy("seq").execute()),
      (r) => r.colour,
      (r) => r.name,
      (key) => /^[a-z]+$/.test(key),
    );
    const lists = await Promise.all(["red", "green", "blue", "Robert'); drop"].map((k) => byColour.load(k)));
    expect(lists).toEqual([["b", "d"], [], ["a", "c", "e"], []]);
    expect(asked).toEqual([["red", "green", "blue"]]);
  });
});

describe(`actionResolvers on ${testDatabaseKind()}`, () => {
  it("names the action by the GraphQL field it resolves", async () => {
    const act = actionResolvers<{
      db: Kysely<ReadingDatabase>;
      principal: typeof SYSTEM_PRINCIPAL;
      requestId: string;
      log: typeof logger;
      domain: string;
    }>();
    await migrateDomain(database.db, "kernel_act", {});
    const ctx = { db, principal: SYSTEM_PRINCIPAL, requestId: "req-act", log: logger, domain: "kernel_act" };
    const rename = act(async (s, input: { idempotencyKey: string; name: string }) => {
      await s.audit("Item", input.name);
      return { name: input.name };
    });
    const payload = await rename(null, { input: { idempotencyKey: "k-1", name: "f" } }, ctx, {
      fieldName: "renameItem",
    });
    expect(payload).toEqual({ name: "f", errors: [] });
    const { rows } = await sql<{ operation: string }>`select operation from kernel_act.audit_log`.execute(db);
    expect(rows).toEqual([{ operation: "renameItem" }]);
  });
});
