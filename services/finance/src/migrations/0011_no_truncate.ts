import { type Kysely, sql } from "kysely";

/** The append-only tables: their row triggers refuse UPDATE and DELETE, which TRUNCATE bypasses. */
const APPEND_ONLY = [
  "journal_entries",
  "journal_lines",
  "payments",
  "allocations",
  "interest_accruals",
  "credit_notes",
  "refunds",
];

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of APPEND_ONLY)
    await sql`
      create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.id("finance", table)}
        for each statement execute function finance.forbid_change()`.execute(db);
}
