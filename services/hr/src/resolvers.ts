import { actionResolvers, assertIds, capped, clockDay, money, pageArgs } from "@erp/core";
import { changeCompensation, compensationOn } from "./compensation.js";
import type { HrContext } from "./context.js";
import { appointDepartmentManager, moveDepartment, openDepartment } from "./department.js";
import { activateEmployee, changeManager, hireEmployee, transferEmployee } from "./employee.js";
import { hrUniqueViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { approveLeave, cancelLeave, rejectLeave, requestLeave } from "./leave.js";
import { defineLeaveType, toLeaveType } from "./leave-type.js";
import { orgChart } from "./org-chart.js";
import { approvePayrollRun, postPayrollRun, preparePayrollRun, runTotals } from "./payroll.js";
import {
  listDepartments,
  listEmployees,
  listLeaveBalances,
  listLeaveRequests,
  listLeaveTypes,
  listPayrollRuns,
} from "./queries.js";
import { terminateEmployee } from "./termination.js";

/** Every HR mutation: its declared scope, one transaction, idempotent by its key. */
const act = actionResolvers<HrContext>({ uniqueViolations: hrUniqueViolations });

export const resolvers: Resolvers = {
  Query: {
    department: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.department.load(id)),
    departments: (_, args, ctx, info) => listDepartments(ctx.db, pageArgs(args, info)),
    orgChart: (_, { departmentId }, ctx) => (
      assertIds({ departmentId }), capped(orgChart(ctx.db, ctx.loaders, departmentId), 1000)
    ),
    employee: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.employee.load(id)),
    employees: (_, args, ctx, info) => listEmployees(ctx.db, pageArgs(args, info)),
    leaveTypes: async (_, __, ctx) => (await listLeaveTypes(ctx.db)).map(toLeaveType),
    leaveRequests: (_, args, ctx, info) => listLeaveRequests(ctx.db, pageArgs(args, info)),
    leaveBalances: (_, args, ctx, info) => listLeaveBalances(ctx.db, pageArgs(args, info)),
    payrollRuns: (_, args, ctx, info) => listPayrollRuns(ctx.db, pageArgs(args, info)),
    payrollRun: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.payrollRun.load(id)),
  },
  Mutation: {
    openDepartment: act(async (s, input) => ({ department: await openDepartment(s, input) })),
    moveDepartment: act(async (s, input) => ({ department: await moveDepartment(s, input) })),
    appointDepartmentManager: act(async (s, input) => ({ department: await appointDepartmentManager(s, input) })),
    hireEmployee: act(async (s, input) => ({ employee: await hireEmployee(s, input) })),
    activateEmployee: act(async (s, input) => ({ employee: await activateEmployee(s, input) })),
    transferEmployee: act(async (s, input) => ({ employee: await transferEmployee(s, input) })),
    changeManager: act(async (s, input) => ({ employee: await changeManager(s, input) })),
    changeCompensation: act(async (s, input) => ({ employee: await changeCompensation(s, input) })),
    terminateEmployee: act(async (s, input) => ({ employee: await terminateEmployee(s, input) })),
    defineLeaveType: act(async (s, input) => ({ leaveType: await defineLeaveType(s, input) })),
    requestLeave: act(async (s, input) => ({ leaveRequest: await requestLeave(s, input) })),
    approveLeave: act(async (s, input) => ({ leaveRequest: await approveLeave(s, input) })),
    rejectLeave: act(async (s, input) => ({ leaveRequest: await rejectLeave(s, input) })),
    cancelLeave: act(async (s, input) => ({ leaveRequest: await cancelLeave(s, input) })),
    preparePayrollRun: act(async (s, input) => ({ payrollRun: await preparePayrollRun(s, input) })),
    approvePayrollRun: act(async (s, input) => ({ payrollRun: await approvePayrollRun(s, input) })),
    postPayrollRun: act(async (s, input) => ({ payrollRun: await postPayrollRun(s, input) })),
  },
  Employee: {
    // Other domains point at people by id, or by the signed-in person's identity subject.
    __resolveReference: (ref, ctx) =>
      "id" in ref && ref.id
        ? ctx.loaders.employee.load(ref.id)
        : ctx.loaders.employeeBySubject.load("userSubject" in ref ? (ref.userSubject ?? "") : ""),
    department: async (employee, _, ctx) => (await ctx.loaders.department.load(employee.departmentId))!,
    manager: (employee, _, ctx) => (employee.managerId ? ctx.loaders.employee.load(employee.managerId) : null),
    reports: (employee, _, ctx) => capped(ctx.loaders.reports.load(employee.id), 500),
    compensation: async (employee, _, ctx) =>
      compensationOn(await ctx.loaders.compensationHistory.load(employee.id), clockDay(ctx.clock)),
    compensationHistory: (employee, _, ctx) => capped(ctx.loaders.compensationHistory.load(employee.id), 100),
    leaveBalances: async (employee, { year }, ctx) =>
      (await ctx.loaders.balancesOfEmployee.load(employee.id))
        .filter((b) => year == null || b.year === year)
        .slice(0, 100),
  },
  OrgChartUnit: {
    people: (unit) => capped(unit.people, 500),
  },
  Department: {
    __resolveReference: (ref, ctx) => ctx.loaders.department.load(ref.id),
    parent: (department, _, ctx) => (department.parentId ? ctx.loaders.department.load(department.parentId) : null),
    children: (department, _, ctx) => capped(ctx.loaders.childDepartments.load(department.id), 500),
    manager: (department, _, ctx) => (department.managerId ? ctx.loaders.employee.load(department.managerId) : null),
    employees: (department, _, ctx) => capped(ctx.loaders.employeesOfDepartment.load(department.id), 500),
  },
  LeaveRequest: {
    __resolveReference: (ref, ctx) => ctx.loaders.leaveRequest.load(ref.id),
    employee: async (request, _, ctx) => (await ctx.loaders.employee.load(request.employeeId))!,
    leaveType: async (request, _, ctx) => (await ctx.loaders.leaveType.load(request.leaveTypeId))!,
  },
  LeaveBalance: {
    employee: async (balance, _, ctx) => (await ctx.loaders.employee.load(balance.employeeId))!,
    leaveType: async (balance, _, ctx) => (await ctx.loaders.leaveType.load(balance.leaveTypeId))!,
  },
  PayrollRun: {
    __resolveReference: (ref, ctx) => ctx.loaders.payrollRun.load(ref.id),
    lines: (run, _, ctx) => capped(ctx.loaders.payrollLines.load(run.id), 2000),
    totals: async (run, _, ctx) =>
      runTotals(await ctx.loaders.payrollLines.load(run.id)).map((t) => money(t.gross, t.currency)),
  },
  PayrollLine: {
    employee: async (line, _, ctx) => (await ctx.loaders.employee.load(line.employeeId))!,
  },
};
