import DataLoader from "dataloader";
import { isUuid } from "./validation.js";

/** Which keys may reach SQL at all; the others resolve to nothing without a query. */
export type KeyFilter = (key: string) => boolean;

/**
 * A per-request loader of one item per key, e.g. a product by its SKU: one query per batch;
 * a key nothing was found for (or that `accepts` refuses) resolves to null.
 */
export function loaderByKey<T>(
  fetch: (keys: string[]) => Promise<T[]>,
  keyOf: (item: T) => string,
  accepts: KeyFilter = () => true,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const valid = keys.filter(accepts);
    const found = new Map((valid.length ? await fetch(valid) : []).map((item) => [keyOf(item), item]));
    return keys.map((key) => found.get(key) ?? null);
  });
}

/** A per-request loader by id: one query per batch; malformed ids resolve to null without reaching SQL. */
export function loaderById<T extends { id: string }>(
  fetch: (ids: string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return loaderByKey(fetch, (item) => item.id, isUuid);
}

/**
 * A per-request loader of every row that points at a key, e.g. the lines of an invoice by its
 * id: one query per batch, each key's rows in the order fetched, mapped by `toItem`. By default
 * only UUIDs reach SQL (a malformed one has no rows); pass `accepts` for keys of another kind.
 */
export function listLoaderByKey<Row, T>(
  fetch: (keys: string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string | null,
  toItem: (row: Row) => T,
  accepts: KeyFilter = isUuid,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const valid = keys.filter(accepts);
    const grouped = new Map<string, T[]>();
    for (const row of valid.length ? await fetch(valid) : []) {
      const key = keyOf(row);
      if (key === null) continue;
      const list = grouped.get(key);
      if (list) list.push(toItem(row));
      else grouped.set(key, [toItem(row)]);
    }
    return keys.map((key) => grouped.get(key) ?? []);
  });
}
