import { type EmployeeHired, type EventPayload, employeeEvents } from "@erp/contracts";
import { type ActionScope, type DeliveredEvent, defineHandler, type EventHandler } from "@erp/core";
import type { Kysely } from "kysely";
import type { SalesDatabase } from "./db.js";
import { notFound, refuse, SalesErrorCode } from "./errors.js";

/** An HR employee as sales refers to one: by id, for HR to resolve. */
export interface EmployeeReference {
  __typename?: "Employee";
  id: string;
}

/** Keeps sales' view of an HR employee (hired, changed, terminated carry the same snapshot); an older snapshot never overwrites a newer one. */
async function rememberEmployee(
  event: DeliveredEvent<EventPayload<typeof EmployeeHired>>,
  scope: ActionScope<SalesDatabase>,
) {
  const e = event.payload;
  const values = { name: e.name, status: e.status, version: e.version };
  await scope.trx
    .insertInto("sales.known_employees")
    .values({ employee_id: e.employeeId, ...values })
    .onConflict((oc) =>
      oc.column("employee_id").doUpdateSet(values).where("sales.known_employees.version", "<", e.version),
    )
    .execute();
}

/** Sales learns employees from HR's events, never from its tables. */
export const knownEmployeeHandlers: EventHandler<SalesDatabase>[] = employeeEvents.map((c) =>
  defineHandler(c, `remember-employee-${c.type.split(".").at(-1)}`, rememberEmployee),
);

/** An employee who may sell: known from HR and not terminated; refuses EMPLOYEE_NOT_FOUND or EMPLOYEE_TERMINATED. */
export async function assertActiveEmployee(db: Kysely<SalesDatabase>, employeeId: string, field: string) {
  const employee = await db
    .selectFrom("sales.known_employees")
    .selectAll()
    .where("employee_id", "=", employeeId)
    .executeTakeFirst();
  if (!employee) return notFound(SalesErrorCode.EMPLOYEE_NOT_FOUND, "The employee", field);
  if (employee.status === "TERMINATED")
    refuse(SalesErrorCode.EMPLOYEE_TERMINATED, `${employee.name} has left the organisation`, field);
  return employee;
}
