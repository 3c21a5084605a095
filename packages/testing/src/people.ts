import { randomUUID } from "node:crypto";

let counter = 0;

/**
 * The snapshot HR publishes with EmployeeHired / DetailsChanged / Terminated, for a domain's
 * tests to deliver: `env.deliver("hr.employee.hired", employeeSnapshot({ name: "Ada" }))`.
 */
export function employeeSnapshot(overrides: Record<string, unknown> = {}) {
  const n = ++counter;
  return {
    employeeId: randomUUID(),
    number: `E-${String(n).padStart(6, "0")}`,
    name: `Employee ${n}`,
    workEmail: `employee${n}@erp.local`,
    departmentId: randomUUID(),
    managerId: null,
    status: "ACTIVE",
    userSubject: null,
    version: 1,
    ...overrides,
  };
}
