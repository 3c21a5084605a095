import { type Kysely, sql } from "kysely";
import { assertSearchText } from "./validation.js";

/** An ILIKE pattern matching the search anywhere, literally; control characters are refused, never sent. */
export function containsPattern(search: string, field = "filter.search"): string {
  assertSearchText(search, field);
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
