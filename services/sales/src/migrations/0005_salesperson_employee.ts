import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    // Sales' view of HR's employees, from their events: enough to name an order's salesperson.
    sql`
      create table sales.known_employees (
        employee_id uuid primary key,
        name text not null,
        status text not null,
        version integer not null
      )`,
    // The salesperson was free text; old orders keep it as the name, new ones refer to an employee.
    sql`alter table sales.sales_orders rename column salesperson to salesperson_name`,
    sql`alter table sales.sales_orders add column salesperson_id uuid`,
    sql`create index sales_orders_salesperson on sales.sales_orders (salesperson_id) where salesperson_id is not null`,
  ]);
}
