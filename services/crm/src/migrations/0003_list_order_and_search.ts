import { enableTextSearch, runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Sorting and searching the lists (issue 13):
// - GIN trigram indexes (pg_trgm) serve the case-insensitive "contains" searches (ILIKE '%…%'):
//   customers by name, code or email; leads by name, company or email.
// - B-tree (key, seq) indexes serve keyset pages sorted by a customer's or lead's name; the other
//   sort keys are small lists or already indexed (code is unique, status has (status, seq)).
export async function up(db: Kysely<any>): Promise<void> {
  await enableTextSearch(db);
  await runStatements(db, [
    sql`create index customers_name_trgm on crm.customers using gin (name gin_trgm_ops)`,
    sql`create index customers_code_trgm on crm.customers using gin (code gin_trgm_ops)`,
    sql`create index customers_email_trgm on crm.customers using gin (email gin_trgm_ops)`,
    sql`create index customers_name_order on crm.customers (name, seq)`,
    sql`create index leads_name_trgm on crm.leads using gin (name gin_trgm_ops)`,
    sql`create index leads_company_trgm on crm.leads using gin (company_name gin_trgm_ops)`,
    sql`create index leads_email_trgm on crm.leads using gin (email gin_trgm_ops)`,
    sql`create index leads_name_order on crm.leads (name, seq)`,
  ]);
}
