import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";
import { Kind } from "graphql";
import { type RawBuilder, type SelectQueryBuilder, sql } from "kysely";
import { badUserInput } from "./errors.js";

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** How many items the whole filtered list holds; counted only when the query selects it (0 otherwise, never shown). */
  totalCount: number;
}

export const MAX_PAGE_SIZE = 100;
/** The page a connection answers when asked for without `first` or `last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** Validates a page size (`first` or `last`); a page is 1 to 100 items. */
export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE, field = "first"): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
    throw badUserInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}`, field);
  return size;
}

/** Builds a Relay connection from up to `size + 1` rows fetched after the cursor. */
export function toConnection<Row, T>(
  rows: Row[],
  size: number,
  hadCursor: boolean,
  cursorOf: (row: Row) => string,
  toNode: (row: Row) => T,
): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hadCursor,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: 0,
  };
}

export type SortDirection = "ASC" | "DESC";

/** A list's order as the client asks for it: one of the list's sort keys and a direction. */
export interface ListOrder {
  key: string;
  direction?: SortDirection | null;
}

/** A Relay connection's paging arguments, its order, and whether to count the whole list. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  orderBy?: ListOrder | null;
  /** Set by `pageArgs` when the query selects `totalCount`. */
  countTotal?: boolean;
}

/** A sort key: a non-null column (qualified where the query joins) or SQL expression. */
export type SortColumn = string | RawBuilder<unknown>;

/**
 * One list's keyset: the cursor's kind, its sort keys by the GraphQL enum's values, the default
 * order, and the sequence column that breaks ties (unique and never null).
 */
export interface Keyset {
  /** Names the list in its cursors, e.g. "Customer": another list's cursor is refused. */
  kind: string;
  keys: Record<string, SortColumn>;
  /** e.g. "CREATED DESC". */
  defaultOrder: `${string} ${SortDirection}`;
  /** The tie-breaking sequence column, qualified where the query joins, e.g. "p.seq". */
  column?: string;
}

/** Declares a list's keyset in a line: `defineKeyset("Invoice", { NUMBER: "number", … }, "CREATED DESC")`. */
export function defineKeyset(
  kind: string,
  keys: Record<string, SortColumn>,
  defaultOrder: Keyset["defaultOrder"],
  column?: string,
): Keyset {
  return { kind, keys, defaultOrder, column };
}

/** A validated page request: fetches one page of any query over rows that carry a sequence. */
export interface KeysetPage {
  fetch<DB, TB extends keyof DB, Row extends { seq: string }, T>(
    query: SelectQueryBuilder<DB, TB, Row>,
    toNode: (row: Row) => T,
  ): Promise<Connection<T>>;
}

/** Where a row sits under one order: the order, the row's sort value (as text) and its sequence. */
interface Position {
  kind: string;
  order: string;
  value: string;
  seq: string;
}

/** Cursors are opaque: base64url of the list, the order, the row's sort value and its sequence. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.kind, position.order, position.value, position.seq])).toString(
    "base64url",
  );
}

function decodeCursor(keyset: Keyset, order: string, cursor: string | null | undefined, field: string) {
  if (cursor == null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const [kind, madeFor, value, seq] = Array.isArray(parsed) ? parsed : [];
  const wellFormed = typeof value === "string" && value.length <= 1000 && typeof seq === "string";
  if (kind !== keyset.kind || !wellFormed || !/^\d{1,19}$/.test(seq) || typeof madeFor !== "string")
    throw badUserInput(`${field} is not a cursor of this list`, field);
  if (madeFor !== order)
    throw badUserInput(
      `${field} is a cursor of this list ordered by ${madeFor}, not ${order}: ask again without ${field}, or with the order it was made for`,
      field,
    );
  return { value, seq };
}

/** The order asked for, or the list's default; the key must be one of the list's. */
function orderOf(keyset: Keyset, orderBy: ListOrder | null | undefined) {
  const [defaultKey, defaultDirection] = keyset.defaultOrder.split(" ") as [string, SortDirection];
  const key = orderBy?.key ?? defaultKey;
  const direction = orderBy?.direction ?? (orderBy ? "ASC" : defaultDirection);
  const column = keyset.keys[key];
  if (column === undefined) throw badUserInput(`orderBy.key must be one of ${Object.keys(keyset.keys)}`, "orderBy.key");
  return { key, direction, column: typeof column === "string" ? sql.ref(column) : column, name: `${key} ${direction}` };
}

/** `first`/`after` page forward, `last`/`before` backward; mixing them is refused. */
function directionOf(args: PageArgs) {
  if (args.last != null || args.before != null) {
    if (args.first != null || args.after != null)
      throw badUserInput("Page with first and after, or with last and before, not both", "last");
    return { backward: true, size: pageSize(args.last, DEFAULT_PAGE_SIZE, "last") };
  }
  return { backward: false, size: pageSize(args.first) };
}

/**
 * Keyset pagination under any of a list's orders: validates the page, the order and the cursor
 * at once (before any filter is read, so a bad page is reported first), orders the caller's
 * filtered query by the sort key then the sequence, continues past the cursor's (value, sequence)
 * and reads one row more than the page to know whether more follow. Backward pages read in the
 * reverse order and are turned round. `totalCount` is counted over the filtered query only when
 * `countTotal` is set.
 */
export function keysetPage(keyset: Keyset, args: PageArgs): KeysetPage {
  const { backward, size } = directionOf(args);
  const order = orderOf(keyset, args.orderBy);
  const cursorField = backward ? "before" : "after";
  const cursor = decodeCursor(keyset, order.name, backward ? args.before : args.after, cursorField);
  const seq = sql.ref(keyset.column ?? "seq");
  const descending = (order.direction === "DESC") !== backward;
  return {
    async fetch<DB, TB extends keyof DB, Row extends { seq: string }, T>(
      query: SelectQueryBuilder<DB, TB, Row>,
      toNode: (row: Row) => T,
    ): Promise<Connection<T>> {
      const counted = args.countTotal ? countRows(query) : Promise.resolve(0);
      let page = query
        .select(sql<string>`(${order.column})::text`.as("sort_value"))
        .orderBy(order.column, descending ? "desc" : "asc")
        .orderBy(seq, descending ? "desc" : "asc")
        .limit(size + 1);
      if (cursor)
        page = page.where(
          sql<boolean>`(${order.column}, ${seq}) ${sql.raw(descending ? "<" : ">")} (${cursor.value}, ${cursor.seq})`,
        );
      const rows = (await page.execute()) as (Row & { sort_value: string })[];
      const cursorOf = (row: Row & { sort_value: string }) =>
        encodeCursor({ kind: keyset.kind, order: order.name, value: row.sort_value, seq: row.seq });
      const connection = toConnection(rows, size, !!cursor, cursorOf, (row) => toNode(row));
      if (backward) {
        connection.edges.reverse();
        connection.nodes.reverse();
        connection.pageInfo = {
          hasNextPage: !!cursor,
          hasPreviousPage: rows.length > size,
          startCursor: connection.edges[0]?.cursor ?? null,
          endCursor: connection.edges.at(-1)?.cursor ?? null,
        };
      }
      connection.totalCount = await counted;
      return connection;
    },
  };
}

async function countRows<DB, TB extends keyof DB, Row>(query: SelectQueryBuilder<DB, TB, Row>): Promise<number> {
  const row = await query.clearSelect().clearOrderBy().select(sql<string>`count(*)`.as("total")).executeTakeFirst();
  return Number((row as { total?: string } | undefined)?.total ?? 0);
}

/** The field's arguments, with `countTotal` set when the query selects the connection's `totalCount`. */
export function pageArgs<A extends object>(args: A, info: GraphQLResolveInfo): A & { countTotal: boolean } {
  return { ...args, countTotal: info.fieldNodes.some((node) => selects(node.selectionSet, "totalCount", info)) };
}

function selects(set: SelectionSetNode | undefined, field: string, info: GraphQLResolveInfo): boolean {
  return (set?.selections ?? []).some((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === field;
    if (s.kind === Kind.INLINE_FRAGMENT) return selects(s.selectionSet, field, info);
    return selects(info.fragments[s.name.value]?.selectionSet, field, info);
  });
}

/**
 * A list's documented hard cap ("At most N." in its schema description, which the gateway's
 * bounded-lists test reads): the first `cap` items, for lists a parent holds few of by nature.
 */
export async function capped<T>(items: readonly T[] | Promise<readonly T[]>, cap: number): Promise<T[]> {
  return (await items).slice(0, cap);
}
