import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - GIN trigram indexes (pg_trgm) serve the employee search by name or work email (ILIKE '%…%');
// - B-tree (key, seq) indexes serve keyset pages of employees by name and of leave requests by
//   first day; numbers and codes are unique and the other lists stay small.
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index employees_name_trgm on hr.employees using gin (name gin_trgm_ops)`,
    sql`create index employees_work_email_trgm on hr.employees using gin (work_email gin_trgm_ops)`,
    sql`create index employees_name_order on hr.employees (name, seq)`,
    sql`create index leave_requests_start_order on hr.leave_requests (start_date, seq)`,
  ]);
}
