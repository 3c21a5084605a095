import { assertIds, assertSearchText, type Connection, keysetPage, type PageArgs, sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { EmployeeStatus, HrDatabase, LeaveRequestStatus, PayrollRunStatus } from "./db.js";
import { type Department, toDepartment } from "./department.js";
import { type Employee, toEmployee } from "./employee.js";
import { type LeaveRequest, toLeaveRequest } from "./leave.js";
import { type LeaveBalance, toLeaveBalance } from "./leave-balance.js";
import { type PayrollRun, toPayrollRun } from "./payroll.js";

export async function listDepartments(
  db: Kysely<HrDatabase>,
  args: PageArgs & { parentId?: string | null; topLevelOnly?: boolean | null },
): Promise<Connection<Department>> {
  const page = keysetPage({ kind: "Department", order: "oldest first" }, args);
  assertIds({ parentId: args.parentId });
  let query = db.selectFrom("hr.departments").selectAll();
  if (args.parentId) query = query.where("parent_id", "=", args.parentId);
  else if (args.topLevelOnly) query = query.where("parent_id", "is", null);
  return page.fetch(query, toDepartment);
}

export interface EmployeeFilter {
  departmentId?: string | null;
  managerId?: string | null;
  status?: EmployeeStatus | null;
  search?: string | null;
}

export async function listEmployees(
  db: Kysely<HrDatabase>,
  args: PageArgs & { filter?: EmployeeFilter | null },
): Promise<Connection<Employee>> {
  const page = keysetPage({ kind: "Employee", order: "oldest first" }, args);
  const { departmentId, managerId, status, search } = args.filter ?? {};
  assertIds({ "filter.departmentId": departmentId, "filter.managerId": managerId });
  assertSearchText(search, "filter.search");
  let query = db.selectFrom("hr.employees").selectAll();
  if (departmentId) query = query.where("department_id", "=", departmentId);
  if (managerId) query = query.where("manager_id", "=", managerId);
  if (status) query = query.where("status", "=", status);
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb("name", "ilike", pattern), eb("work_email", "ilike", pattern)]));
  }
  return page.fetch(query, toEmployee);
}

export async function listLeaveRequests(
  db: Kysely<HrDatabase>,
  args: PageArgs & { filter?: { employeeId?: string | null; status?: LeaveRequestStatus | null } | null },
): Promise<Connection<LeaveRequest>> {
  const page = keysetPage({ kind: "LeaveRequest", order: "newest first" }, args);
  const { employeeId, status } = args.filter ?? {};
  assertIds({ "filter.employeeId": employeeId });
  let query = db.selectFrom("hr.leave_requests").selectAll();
  if (employeeId) query = query.where("employee_id", "=", employeeId);
  if (status) query = query.where("status", "=", status);
  return page.fetch(query, toLeaveRequest);
}

export async function listLeaveBalances(
  db: Kysely<HrDatabase>,
  args: PageArgs & { employeeId?: string | null; year?: number | null },
): Promise<Connection<LeaveBalance>> {
  const page = keysetPage({ kind: "LeaveBalance", order: "oldest first" }, args);
  assertIds({ employeeId: args.employeeId });
  let query = db.selectFrom("hr.leave_balances").selectAll();
  if (args.employeeId) query = query.where("employee_id", "=", args.employeeId);
  if (args.year != null) query = query.where("year", "=", args.year);
  return page.fetch(query, toLeaveBalance);
}

export async function listPayrollRuns(
  db: Kysely<HrDatabase>,
  args: PageArgs & { period?: string | null; status?: PayrollRunStatus | null },
): Promise<Connection<PayrollRun>> {
  const page = keysetPage({ kind: "PayrollRun", order: "newest first" }, args);
  let query = db.selectFrom("hr.payroll_runs").selectAll();
  if (args.period) query = query.where("period", "=", args.period);
  if (args.status) query = query.where("status", "=", args.status);
  return page.fetch(query, toPayrollRun);
}

export async function listLeaveTypes(db: Kysely<HrDatabase>) {
  return db.selectFrom("hr.leave_types").selectAll().orderBy(sql`code`).execute();
}
