import { type EmployeeHired, type EventPayload, employeeEvents } from "@erp/contracts";
import { type ActionScope, type DeliveredEvent, defineHandler, type EventHandler } from "@erp/core";
import type { Transaction } from "kysely";
import type { CrmDatabase } from "./db.js";
import { CrmErrorCode, notFound, refuse } from "./errors.js";

type Scope = ActionScope<CrmDatabase>;

/** An HR employee as CRM refers to one: by id, for HR to resolve. */
export interface EmployeeReference {
  __typename?: "Employee";
  id: string;
}

/** Keeps CRM's view of an HR employee (hired, changed, terminated all carry the same snapshot); an older snapshot never overwrites a newer one. */
async function rememberEmployee(event: DeliveredEvent<EventPayload<typeof EmployeeHired>>, scope: Scope) {
  const e = event.payload;
  const values = { name: e.name, status: e.status, version: e.version };
  await scope.trx
    .insertInto("crm.known_employees")
    .values({ employee_id: e.employeeId, ...values })
    .onConflict((oc) =>
      oc.column("employee_id").doUpdateSet(values).where("crm.known_employees.version", "<", e.version),
    )
    .execute();
}

/** CRM learns employees from HR's events, never from its tables. */
export const knownEmployeeHandlers: EventHandler<CrmDatabase>[] = employeeEvents.map((c) =>
  defineHandler(c, `remember-employee-${c.type.split(".").at(-1)}`, rememberEmployee),
);

/** An employee who may take on customers: known from HR and not terminated. */
export async function assertAssignableEmployee(trx: Transaction<CrmDatabase>, employeeId: string, field: string) {
  const employee = await trx
    .selectFrom("crm.known_employees")
    .selectAll()
    .where("employee_id", "=", employeeId)
    .executeTakeFirst();
  if (!employee) return notFound(CrmErrorCode.EMPLOYEE_NOT_FOUND, "The employee", field);
  if (employee.status === "TERMINATED")
    refuse(CrmErrorCode.EMPLOYEE_TERMINATED, `${employee.name} has left the organisation`, field);
  return employee;
}
