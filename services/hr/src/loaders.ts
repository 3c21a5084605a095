import { listLoaderByKey, loaderById, loaderByKey } from "@erp/core";
import type DataLoader from "dataloader";
import type { Kysely } from "kysely";
import { type CompensationRecord, toCompensation } from "./compensation.js";
import type { HrDatabase } from "./db.js";
import { toDepartment } from "./department.js";
import { type Employee, toEmployee } from "./employee.js";
import { toLeaveRequest } from "./leave.js";
import { type LeaveBalance, toLeaveBalance } from "./leave-balance.js";
import { toLeaveType } from "./leave-type.js";
import { type PayrollLine, toPayrollLine, toPayrollRun } from "./payroll.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createHrLoaders(db: Kysely<HrDatabase>) {
  const employees = () => db.selectFrom("hr.employees").selectAll();
  return {
    department: loaderById(async (ids) =>
      (await db.selectFrom("hr.departments").selectAll().where("id", "in", ids).execute()).map(toDepartment),
    ),
    childDepartments: listLoaderByKey(
      (ids) => db.selectFrom("hr.departments").selectAll().where("parent_id", "in", ids).orderBy("seq").execute(),
      (row) => row.parent_id,
      toDepartment,
    ),
    employee: loaderById(async (ids) => (await employees().where("id", "in", ids).execute()).map(toEmployee)),
    /** An employee by the identity subject of the person: the second federation key. */
    employeeBySubject: loaderByKey<Employee>(
      async (subjects) => (await employees().where("user_subject", "in", subjects).execute()).map(toEmployee),
      (employee) => employee.userSubject ?? "",
      (subject) => subject.length > 0 && subject.length <= 200,
    ),
    /** A department's people, terminated ones excluded, by name. */
    employeesOfDepartment: listLoaderByKey(
      (ids) =>
        employees().where("department_id", "in", ids).where("status", "<>", "TERMINATED").orderBy("name").execute(),
      (row) => row.department_id,
      toEmployee,
    ),
    reports: listLoaderByKey(
      (ids) => employees().where("manager_id", "in", ids).where("status", "<>", "TERMINATED").orderBy("name").execute(),
      (row) => row.manager_id,
      toEmployee,
    ),
    compensationHistory: listLoaderByKey<ReturnType<typeof toCompensation>, CompensationRecord>(
      async (ids) =>
        (
          await db
            .selectFrom("hr.compensations")
            .selectAll()
            .where("employee_id", "in", ids)
            .orderBy("effective_from")
            .execute()
        ).map(toCompensation),
      (c) => c.employeeId,
      (c) => c,
    ),
    balancesOfEmployee: listLoaderByKey<ReturnType<typeof toLeaveBalance>, LeaveBalance>(
      async (ids) =>
        (
          await db
            .selectFrom("hr.leave_balances")
            .selectAll()
            .where("employee_id", "in", ids)
            .orderBy("year")
            .orderBy("seq")
            .execute()
        ).map(toLeaveBalance),
      (b) => b.employeeId,
      (b) => b,
    ),
    leaveType: loaderById(async (ids) =>
      (await db.selectFrom("hr.leave_types").selectAll().where("id", "in", ids).execute()).map(toLeaveType),
    ),
    leaveRequest: loaderById(async (ids) =>
      (await db.selectFrom("hr.leave_requests").selectAll().where("id", "in", ids).execute()).map(toLeaveRequest),
    ),
    payrollRun: loaderById(async (ids) =>
      (await db.selectFrom("hr.payroll_runs").selectAll().where("id", "in", ids).execute()).map(toPayrollRun),
    ),
    payrollLines: listLoaderByKey<ReturnType<typeof toPayrollLine>, PayrollLine>(
      async (ids) =>
        (
          await db
            .selectFrom("hr.payroll_lines")
            .selectAll()
            .where("run_id", "in", ids)
            .orderBy("employee_id")
            .execute()
        ).map(toPayrollLine),
      (l) => l.runId,
      (l) => l,
    ),
  };
}

export type HrLoaders = ReturnType<typeof createHrLoaders>;

/** Keeps a loader from fetching what a statement already read. */
export const prime = <T extends { id: string }>(loader: DataLoader<string, T | null>, items: T[]) => {
  for (const item of items) loader.prime(item.id, item);
};
