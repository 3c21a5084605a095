import {
  assertIds,
  atLeast,
  atMost,
  type Connection,
  contains,
  defineKeyset,
  equals,
  keysetPage,
  narrow,
  oneOf,
  type PageArgs,
  sql,
} from "@erp/core";
import type { Kysely } from "kysely";
import type { EmployeeStatus, HrDatabase, LeaveRequestStatus, PayrollRunStatus } from "./db.js";
import { type Department, toDepartment } from "./department.js";
import { type Employee, toEmployee } from "./employee.js";
import { type LeaveRequest, toLeaveRequest } from "./leave.js";
import { type LeaveBalance, toLeaveBalance } from "./leave-balance.js";
import { type PayrollRun, toPayrollRun } from "./payroll.js";

const departmentOrder = defineKeyset("Department", { CREATED: "seq", CODE: "code", NAME: "name" }, "CREATED ASC");
const employeeOrder = defineKeyset(
  "Employee",
  { CREATED: "seq", NUMBER: "number", NAME: "name", HIRE_DATE: "hire_date", STATUS: "status" },
  "CREATED ASC",
);
const leaveRequestOrder = defineKeyset(
  "LeaveRequest",
  { CREATED: "seq", START_DATE: "start_date", STATUS: "status" },
  "CREATED DESC",
);
const leaveBalanceOrder = defineKeyset("LeaveBalance", { CREATED: "seq", YEAR: "year" }, "CREATED ASC");
const payrollRunOrder = defineKeyset(
  "PayrollRun",
  { CREATED: "seq", NUMBER: "number", PERIOD: "period", STATUS: "status" },
  "CREATED DESC",
);

export async function listDepartments(
  db: Kysely<HrDatabase>,
  args: PageArgs & { parentId?: string | null; topLevelOnly?: boolean | null },
): Promise<Connection<Department>> {
  const page = keysetPage(departmentOrder, args);
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
  statuses?: EmployeeStatus[] | null;
  hiredFrom?: string | null;
  hiredTo?: string | null;
  search?: string | null;
}

export async function listEmployees(
  db: Kysely<HrDatabase>,
  args: PageArgs & { filter?: EmployeeFilter | null },
): Promise<Connection<Employee>> {
  const page = keysetPage(employeeOrder, args);
  const f = args.filter ?? {};
  assertIds({ "filter.departmentId": f.departmentId, "filter.managerId": f.managerId });
  const query = narrow(db.selectFrom("hr.employees").selectAll(), [
    equals("department_id", f.departmentId),
    equals("manager_id", f.managerId),
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    atLeast("hire_date", f.hiredFrom),
    atMost("hire_date", f.hiredTo),
    contains(["name", "work_email"], f.search),
  ]);
  return page.fetch(query, toEmployee);
}

export interface LeaveRequestFilter {
  employeeId?: string | null;
  status?: LeaveRequestStatus | null;
  statuses?: LeaveRequestStatus[] | null;
  startFrom?: string | null;
  startTo?: string | null;
}

export async function listLeaveRequests(
  db: Kysely<HrDatabase>,
  args: PageArgs & { filter?: LeaveRequestFilter | null },
): Promise<Connection<LeaveRequest>> {
  const page = keysetPage(leaveRequestOrder, args);
  const f = args.filter ?? {};
  assertIds({ "filter.employeeId": f.employeeId });
  const query = narrow(db.selectFrom("hr.leave_requests").selectAll(), [
    equals("employee_id", f.employeeId),
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    atLeast("start_date", f.startFrom),
    atMost("start_date", f.startTo),
  ]);
  return page.fetch(query, toLeaveRequest);
}

export async function listLeaveBalances(
  db: Kysely<HrDatabase>,
  args: PageArgs & { employeeId?: string | null; year?: number | null },
): Promise<Connection<LeaveBalance>> {
  const page = keysetPage(leaveBalanceOrder, args);
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
  const page = keysetPage(payrollRunOrder, args);
  let query = db.selectFrom("hr.payroll_runs").selectAll();
  if (args.period) query = query.where("period", "=", args.period);
  if (args.status) query = query.where("status", "=", args.status);
  return page.fetch(query, toPayrollRun);
}

export async function listLeaveTypes(db: Kysely<HrDatabase>) {
  return db.selectFrom("hr.leave_types").selectAll().orderBy(sql`code`).limit(100).execute();
}
