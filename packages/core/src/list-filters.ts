import { type Expression, type Kysely, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from "kysely";
import { badUserInput } from "./errors.js";
import { assertSearchText } from "./validation.js";

// A list's filter reads as a list of conditions, each absent when its input is:
//   narrow(query, [equals("customer_id", f.customerId), oneOf("status", f.statuses, "filter.statuses"),
//                  atLeast("total", f.totalMin), atMost("total", f.totalMax), contains(["number"], f.search)])

type Condition = RawBuilder<SqlBool> | undefined;
type Value = string | number | boolean | Date;

/** The query with every present condition added. */
export function narrow<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  conditions: Condition[],
): SelectQueryBuilder<DB, TB, O> {
  return conditions.reduce((q, c) => (c ? q.where(c as Expression<SqlBool>) : q), query);
}

const column = (name: string | RawBuilder<unknown>) => (typeof name === "string" ? sql.ref(name) : name);

export function equals(name: string, value: Value | null | undefined): Condition {
  return value == null ? undefined : sql<SqlBool>`${column(name)} = ${value}`;
}

/** At or above `value` (a range's inclusive lower end). */
export function atLeast(name: string | RawBuilder<unknown>, value: Value | null | undefined): Condition {
  return value == null ? undefined : sql<SqlBool>`${column(name)} >= ${value}`;
}

/** At or below `value` (an inclusive upper end: a last day, a maximum amount). */
export function atMost(name: string | RawBuilder<unknown>, value: Value | null | undefined): Condition {
  return value == null ? undefined : sql<SqlBool>`${column(name)} <= ${value}`;
}

/** Strictly before `value` (an exclusive upper end: an instant). */
export function below(name: string, value: Value | null | undefined): Condition {
  return value == null ? undefined : sql<SqlBool>`${column(name)} < ${value}`;
}

export const MAX_FILTER_SET = 20;

/** One of a set of values, e.g. statuses; an empty set matches nothing, more than 20 values are refused. */
export function oneOf(name: string, values: readonly Value[] | null | undefined, field: string): Condition {
  if (values == null) return undefined;
  if (values.length > MAX_FILTER_SET) throw badUserInput(`${field} takes at most ${MAX_FILTER_SET} values`, field);
  if (!values.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`${column(name)} in (${sql.join(values)})`;
}

/** Text containing the search in any of the columns, case-insensitive and literally; blank searches match all. */
export function contains(
  names: (string | RawBuilder<unknown>)[],
  search: string | null | undefined,
  field = "filter.search",
): Condition {
  if (!search?.trim()) return undefined;
  const pattern = containsPattern(search.trim(), field);
  return sql<SqlBool>`(${sql.join(
    names.map((n) => sql`${column(n)} ilike ${pattern}`),
    sql` or `,
  )})`;
}

/** An ILIKE pattern matching the search anywhere, literally; control characters are refused, never sent. */
export function containsPattern(search: string, field = "filter.search"): string {
  assertSearchText(search, field);
  if (search.length > 200) throw badUserInput(`${field} is at most 200 characters`, field);
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Loads pg_trgm, whose GIN trigram indexes serve `ILIKE '%…%'` searches. It is one per database
 * while every domain's migrations may ask for it at once: a transaction-scoped advisory lock
 * serialises them. PGlite loads the extension's code when it opens (see database.ts).
 */
export async function enableTextSearch(db: Kysely<unknown>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('erp:create extension pg_trgm'))`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
}
