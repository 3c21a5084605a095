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
