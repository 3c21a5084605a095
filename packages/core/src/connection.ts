import { type SelectQueryBuilder, sql } from "kysely";
import { badUserInput } from "./errors.js";

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 100;

/** Validates `first`; a page is 1 to 100 items. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, "first");
  return size;
}

/** Cursors are opaque: a kind and a position (the row's sequence number). */
export function encodeCursor(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`).toString("base64url");
}

export function decodeCursor(kind: string, cursor: string | null | undefined): string | undefined {
  if (cursor == null) return undefined;
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const [cursorKind, position] = decoded.split(":");
  if (cursorKind !== kind || !position || !/^\d{1,19}$/.test(position))
    throw badUserInput("after is not a cursor of this list", "after");
  return position;
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
  };
}

/** A Relay connection's paging arguments. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** One list's keyset: the cursor's kind, the sequence column, and which end comes first. */
export interface Keyset {
  /** Names the list in its cursors, e.g. "Customer": another list's cursor is refused. */
  kind: string;
  order: "oldest first" | "newest first";
  /** The sequence column, qualified where the query joins, e.g. "p.seq". */
  column?: string;
}

/** A validated page request: fetches one page of any query over rows that carry a sequence. */
export interface KeysetPage {
  fetch<DB, TB extends keyof DB, Row extends { seq: string }, T>(
    query: SelectQueryBuilder<DB, TB, Row>,
    toNode: (row: Row) => T,
  ): Promise<Connection<T>>;
}

/**
 * Keyset pagination over a sequence column: validates `first` and `after` at once (before any
 * filter is read, so a bad page is reported first), then orders the caller's filtered query by
 * the sequence, continues after the cursor and reads one row more than the page to know
 * whether there is a next one.
 */
export function keysetPage(keyset: Keyset, args: PageArgs): KeysetPage {
  const size = pageSize(args.first);
  const after = decodeCursor(keyset.kind, args.after);
  const newestFirst = keyset.order === "newest first";
  const column = sql.ref(keyset.column ?? "seq");
  return {
    async fetch(query, toNode) {
      let page = query.orderBy(column, newestFirst ? "desc" : "asc").limit(size + 1);
      if (after) page = page.where(column, newestFirst ? "<" : ">", after);
      const rows = await page.execute();
      return toConnection(rows, size, !!after, (row) => encodeCursor(keyset.kind, row.seq), toNode);
    },
  };
}
