import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    // CRM's view of HR's employees, from their events: enough to assign an account manager.
    sql`
      create table crm.known_employees (
        employee_id uuid primary key,
        name text not null,
        status text not null,
        version integer not null
      )`,
    sql`alter table crm.customers add column account_manager_id uuid`,
    sql`create index customers_account_manager on crm.customers (account_manager_id, seq)`,
  ]);
}
