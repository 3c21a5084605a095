import { type Kysely, type RawBuilder, sql } from "kysely";

/** Runs DDL statements one by one: PGlite's extended protocol takes one statement per query. */
export async function runStatements(db: Kysely<unknown>, statements: RawBuilder<unknown>[]): Promise<void> {
  for (const statement of statements) await statement.execute(db);
}

/** Postgres SQLSTATE of a driver error, if it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Name of the constraint a driver error reports, if any. */
export function violatedConstraint(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === "string" ? constraint : undefined;
}

export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === "23505";

export { sql };
