import { type Kysely, sql } from "kysely";

/**
 * The values each status (or stage) column's CHECK constraint allows in a schema, as
 * "table.column" → sorted values, read from pg_constraint so a test compares them with the code.
 */
export async function statusChecks(db: Kysely<unknown>, schema: string): Promise<Record<string, string[]>> {
  const { rows } = await sql<{ table: string; definition: string }>`
    select rel.relname as "table", pg_get_constraintdef(c.oid) as definition
    from pg_constraint c
    join pg_class rel on rel.oid = c.conrelid
    join pg_namespace ns on ns.oid = rel.relnamespace
    where c.contype = 'c' and ns.nspname = ${schema}`.execute(db);
  const checks: Record<string, string[]> = {};
  for (const { table, definition } of rows) {
    // Postgres normalises `status in ('A', 'B')` to `CHECK ((status = ANY (ARRAY['A'::text, 'B'::text])))`.
    const match = definition.match(/^CHECK \(\((status|stage) = ANY \(ARRAY\[(.*)\]\)\)\)$/);
    if (!match) continue;
    const values = [...(match[2] ?? "").matchAll(/'([^']*)'::text/g)].map((m) => m[1] ?? "");
    checks[`${table}.${match[1]}`] = values.sort();
  }
  return checks;
}
