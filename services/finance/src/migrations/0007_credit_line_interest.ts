import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  // The customer's late-interest rate, agreed with the credit line; the default applies without one.
  await sql`alter table finance.credit_lines add column annual_interest_rate numeric(7, 4) check (annual_interest_rate between 0 and 100)`.execute(
    db,
  );
}
