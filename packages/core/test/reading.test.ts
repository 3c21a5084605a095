import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { type Generated, type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionResolvers } from "../src/action-resolvers.js";
import { type Connection, defineKeyset, keysetPage, type PageArgs } from "../src/connection.js";

type PageInfo = Connection<unknown>["pageInfo"];

import { SYSTEM_PRINCIPAL } from "../src/context.js";
import type { Database } from "../src/database.js";
import { listLoaderByKey, loaderByKey } from "../src/loaders.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";

interface ReadingDatabase {
  "kernel_read.items": { seq: Generated<string>; name: string; colour: string; amount: string; at: Generated<Date> };
}

const migrations = {
  "0001_items": {
    up: async (db: any) => {
      await sql`create table kernel_read.items (seq bigserial primary key, name text not null, colour text not null,
        amount numeric(12, 2) not null, at timestamptz not null default clock_timestamp())`.execute(db);
    },
  },
};

let database: Database;
let db: Kysely<ReadingDatabase>;
const items = () => db.selectFrom("kernel_read.items").selectAll();
const names = (page: { nodes: { name: string }[] }) => page.nodes.map((n) => n.name);
const itemKeys = { CREATED: "seq", NAME: "name", COLOUR: "colour", AMOUNT: "amount", AT: "at" };
const oldestFirst = defineKeyset("Item", itemKeys, "CREATED ASC");
const newest = defineKeyset("Item", itemKeys, "CREATED DESC");
const cursorOf = (...position: string[]) => Buffer.from(JSON.stringify(position)).toString("base64url");

/** Every page of a list, forward or backward, as the names in the order the client sees them. */
async function walk(args: PageArgs, backward = false): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: { nodes: { name: string }[]; pageInfo: PageInfo } = await keysetPage(
      oldestFirst,
      backward ? { ...args, before: cursor } : { ...args, after: cursor },
    ).fetch(items(), (r) => r);
    pages.push(names(page));
    const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (!more || pages.length > 10) return backward ? pages.reverse() : pages;
    cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateDomain(database.db, "kernel_read", migrations);
  db = database.db as Kysely<ReadingDatabase>;
  for (const [i, name] of ["a", "b", "c", "d", "e"].entries())
    await db
      .insertInto("kernel_read.items")
      .values({ name, colour: i % 2 ? "red" : "blue", amount: ["5.00", "1.50", "5.00", "10.00", "1.50"][i]! })
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
    const all = await keysetPage(newest, { first: 5 }).fetch(items(), (r) => r);
    expect(names(all)).toEqual(["e", "d", "c", "b", "a"]);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const blue = () => items().where("colour", "=", "blue");
    const first = await keysetPage(newest, { first: 1 }).fetch(blue(), (r) => r);
    const rest = await keysetPage(newest, { after: first.pageInfo.endCursor }).fetch(blue(), (r) => r);
    expect([names(first), names(rest)]).toEqual([["e"], ["c", "a"]]);
  });

  it("orders by any key with ties broken by the sequence, the same rows forward and backward", async () => {
    const amountAsc = { key: "AMOUNT", direction: "ASC" } as const;
    expect(await walk({ first: 2, orderBy: amountAsc })).toEqual([["b", "e"], ["a", "c"], ["d"]]);
    expect(await walk({ last: 2, orderBy: amountAsc }, true)).toEqual([["b"], ["e", "a"], ["c", "d"]]);
    const colourDesc = { key: "COLOUR", direction: "DESC" } as const;
    expect((await walk({ first: 2, orderBy: colourDesc })).flat()).toEqual(["d", "b", "e", "c", "a"]);
    expect((await walk({ last: 3, orderBy: colourDesc }, true)).flat()).toEqual(["d", "b", "e", "c", "a"]);
    // Microsecond timestamps survive the cursor: no row is skipped or repeated between pages.
    expect((await walk({ first: 1, orderBy: { key: "AT", direction: "DESC" } })).flat()).toEqual([
      "e",
      "d",
      "c",
      "b",
      "a",
    ]);
    expect((await walk({ first: 2, orderBy: { key: "NAME" } })).flat()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("says whether pages precede or follow a backward page", async () => {
    const end = await keysetPage(oldestFirst, { last: 2 }).fetch(items(), (r) => r);
    expect(names(end)).toEqual(["d", "e"]);
    expect(end.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await keysetPage(oldestFirst, { last: 3, before: end.pageInfo.startCursor }).fetch(
      items(),
      (r) => r,
    );
    expect(names(before)).toEqual(["a", "b", "c"]);
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it("counts the filtered list only when asked", async () => {
    const blue = () => items().where("colour", "=", "blue");
    expect((await keysetPage(oldestFirst, { first: 1, countTotal: true }).fetch(blue(), (r) => r)).totalCount).toBe(3);
    expect((await keysetPage(oldestFirst, { first: 1 }).fetch(blue(), (r) => r)).totalCount).toBe(0);
  });

  it("refuses a page size out of range, mixed directions, an unknown key and a cursor of another list or order", async () => {
    for (const first of [0, 101, 2.5])
      expect(() => keysetPage(oldestFirst, { first })).toThrow(/first must be between 1 and 100/);
    expect(() => keysetPage(oldestFirst, { last: 0 })).toThrow(/last must be between 1 and 100/);
    expect(() => keysetPage(oldestFirst, { first: 1, before: "x" })).toThrow(/not both/);
    expect(() => keysetPage(oldestFirst, { orderBy: { key: "SIZE" } })).toThrow(/orderBy.key must be one of/);
    for (const after of [
      cursorOf("Order", "CREATED ASC", "1", "1"),
      "not-a-cursor",
      cursorOf("Item", "CREATED ASC", "1", "1; drop"),
    ])
      expect(() => keysetPage(oldestFirst, { after })).toThrow(/after is not a cursor of this list/);
    const byName = await keysetPage(oldestFirst, { first: 1, orderBy: { key: "NAME" } }).fetch(items(), (r) => r);
    expect(() =>
      keysetPage(oldestFirst, { after: byName.pageInfo.endCursor, orderBy: { key: "NAME", direction: "DESC" } }),
    ).toThrow(/ordered by NAME ASC, not NAME DESC/);
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
