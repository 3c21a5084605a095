import { EmployeeDetailsChanged } from "@erp/contracts";
import { type ActionScope, defineStateMachine, fields, hasScope, parseInput, sql } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { workingDays } from "./calendar.js";
import { leaveWindow } from "./config.js";
import type { EmployeesTable, HrDatabase, LeaveRequestStatus, LeaveRequestsTable } from "./db.js";
import { assertEmployed, lockEmployee, saveEmployee } from "./employee.js";
import { HrErrorCode, notFound, refuse } from "./errors.js";
import { lockBalance, shiftBalance } from "./leave-balance.js";

export const leaveLifecycle = defineStateMachine<LeaveRequestStatus>("Leave request", {
  SUBMITTED: ["APPROVED", "REJECTED", "CANCELLED"],
  APPROVED: ["CANCELLED"],
  REJECTED: [],
  CANCELLED: [],
});

export interface LeaveRequest {
  id: string;
  employeeId: string;
  leaveTypeId: string;
  startDate: string;
  endDate: string;
  days: number;
  unpaidDays: number;
  status: LeaveRequestStatus;
  reason: string | null;
  requestedBy: string;
  decidedBy: string | null;
  decisionNote: string | null;
  version: number;
  requestedAt: string;
  cursorPosition: string;
}

export const toLeaveRequest = (row: Selectable<LeaveRequestsTable>): LeaveRequest => ({
  id: row.id,
  employeeId: row.employee_id,
  leaveTypeId: row.leave_type_id,
  startDate: row.start_date,
  endDate: row.end_date,
  days: row.days,
  unpaidDays: row.unpaid_days,
  status: row.status,
  reason: row.reason,
  requestedBy: row.requested_by,
  decidedBy: row.decided_by,
  decisionNote: row.decision_note,
  version: row.version,
  requestedAt: new Date(row.requested_at).toISOString(),
  cursorPosition: row.seq,
});

const leaveDate = (what: string) => fields.dateWithin(what, leaveWindow);

const requestSchema = z
  .object({
    employeeId: fields.id("employeeId"),
    leaveTypeId: fields.id("leaveTypeId"),
    startDate: leaveDate("The first day"),
    endDate: leaveDate("The last day"),
    reason: fields.optionalText("Reason", 500, { multiline: true }),
  })
  .refine((d) => d.endDate >= d.startDate, { message: "The last day must not be before the first", path: ["endDate"] })
  .refine((d) => d.endDate.slice(0, 4) === d.startDate.slice(0, 4), {
    message: "A request stays within one calendar year; split it at the new year",
    path: ["endDate"],
  });

/** Another SUBMITTED or APPROVED request (or only APPROVED ones) of the employee overlapping the range. */
async function overlapping(
  trx: Transaction<HrDatabase>,
  request: { employeeId: string; startDate: string; endDate: string; id?: string },
  statuses: LeaveRequestStatus[],
) {
  let query = trx
    .selectFrom("hr.leave_requests")
    .select(["id", "start_date", "end_date"])
    .where("employee_id", "=", request.employeeId)
    .where("status", "in", statuses)
    .where("start_date", "<=", request.endDate)
    .where("end_date", ">=", request.startDate);
  if (request.id) query = query.where("id", "<>", request.id);
  const other = await query.executeTakeFirst();
  if (other)
    refuse(
      HrErrorCode.LEAVE_OVERLAP,
      `The employee already has leave from ${other.start_date} to ${other.end_date}`,
      "startDate",
    );
}

async function leaveType(trx: Transaction<HrDatabase>, id: string) {
  const row = await trx.selectFrom("hr.leave_types").selectAll().where("id", "=", id).executeTakeFirst();
  return row ?? notFound(HrErrorCode.LEAVE_TYPE_NOT_FOUND, "The leave type", "leaveTypeId");
}

export async function requestLeave(scope: ActionScope<HrDatabase>, input: z.input<typeof requestSchema>) {
  const data = parseInput(requestSchema, input);
  const employee = await lockEmployee(scope.trx, data.employeeId);
  assertActsFor(scope, employee, "employeeId");
  assertEmployed(employee);
  if (employee.termination_date && data.endDate > employee.termination_date)
    refuse(HrErrorCode.EMPLOYEE_TERMINATED, `${employee.name} leaves on ${employee.termination_date}`, "endDate");
  const type = await leaveType(scope.trx, data.leaveTypeId);
  const days = workingDays(data.startDate, data.endDate).length;
  if (days === 0) refuse(HrErrorCode.NO_WORKING_DAYS, "The range holds no working day", "startDate");
  await overlapping(scope.trx, data, ["SUBMITTED", "APPROVED"]);
  const balance = await lockBalance(scope.trx, employee.id, type, Number(data.startDate.slice(0, 4)));
  const available = balance.allowance - balance.taken - balance.pending;
  if (days > available && !type.allow_unpaid_beyond_balance)
    refuse(
      HrErrorCode.INSUFFICIENT_LEAVE_BALANCE,
      `${days} days asked, ${Math.max(available, 0)} available`,
      "endDate",
    );
  const row = await scope.trx
    .insertInto("hr.leave_requests")
    .values({
      employee_id: employee.id,
      leave_type_id: type.id,
      start_date: data.startDate,
      end_date: data.endDate,
      days,
      reason: data.reason,
      requested_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await shiftBalance(scope.trx, balance, { pending: days });
  await scope.audit("LeaveRequest", row.id, { employeeId: employee.id, days });
  return toLeaveRequest(row);
}

/**
 * The request and its employee, both locked: the employee first, as every action on an employee's
 * leave (request, decide, cancel, terminate) locks in that order, so two of them cannot deadlock.
 */
async function lockRequest(trx: Transaction<HrDatabase>, id: string) {
  const found = await trx.selectFrom("hr.leave_requests").select("employee_id").where("id", "=", id).executeTakeFirst();
  if (!found) return notFound(HrErrorCode.LEAVE_REQUEST_NOT_FOUND, "The leave request", "leaveRequestId");
  const employee = await lockEmployee(trx, found.employee_id);
  const request = await trx
    .selectFrom("hr.leave_requests")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return { request, employee };
}

/** People ask for and withdraw their own leave with hr:read alone; for someone else it takes hr:write. */
function assertActsFor(scope: ActionScope<HrDatabase>, employee: Selectable<EmployeesTable>, field: string) {
  if (employee.user_subject === scope.actor.subject || hasScope(scope.actor, "hr:write")) return;
  refuse(HrErrorCode.FORBIDDEN, "Only the employee, or a holder of hr:write, may ask for or cancel their leave", field);
}

/** Never the requester (nor the employee); otherwise the employee's manager or a holder of hr:approve. */
async function assertMayDecide(
  scope: ActionScope<HrDatabase>,
  request: Selectable<LeaveRequestsTable>,
  employee: Selectable<EmployeesTable>,
) {
  const caller = scope.actor.subject;
  if (caller === request.requested_by || caller === employee.user_subject)
    refuse(HrErrorCode.SELF_APPROVAL, "You may not decide your own leave request", "leaveRequestId");
  if (hasScope(scope.actor, "hr:approve")) return;
  const manager = employee.manager_id
    ? await scope.trx
        .selectFrom("hr.employees")
        .select("user_subject")
        .where("id", "=", employee.manager_id)
        .executeTakeFirst()
    : undefined;
  if (!manager?.user_subject || manager.user_subject !== caller)
    refuse(
      HrErrorCode.NOT_THE_APPROVER,
      "Only the employee's manager or a holder of hr:approve may decide",
      "leaveRequestId",
    );
}

async function decide(scope: ActionScope<HrDatabase>, leaveRequestId: string, to: LeaveRequestStatus) {
  const { request, employee } = await lockRequest(scope.trx, leaveRequestId);
  leaveLifecycle.assertTransition(request.status, to);
  await assertMayDecide(scope, request, employee);
  const type = await leaveType(scope.trx, request.leave_type_id);
  const balance = await lockBalance(scope.trx, employee.id, type, Number(request.start_date.slice(0, 4)));
  return { request, employee, type, balance };
}

const decideSchema = z.object({
  leaveRequestId: fields.id("leaveRequestId"),
  note: fields.optionalText("Note", 500, { multiline: true }),
});

/** Approval takes paid days from the balance; beyond it, days are unpaid if the type allows. */
export async function approveLeave(scope: ActionScope<HrDatabase>, input: z.input<typeof decideSchema>) {
  const data = parseInput(decideSchema, input);
  const { request, employee, type, balance } = await decide(scope, data.leaveRequestId, "APPROVED");
  await overlapping(
    scope.trx,
    { employeeId: employee.id, startDate: request.start_date, endDate: request.end_date, id: request.id },
    ["APPROVED"],
  );
  const paid = Math.min(request.days, Math.max(balance.allowance - balance.taken, 0));
  const unpaid = request.days - paid;
  if (unpaid > 0 && !type.allow_unpaid_beyond_balance)
    refuse(
      HrErrorCode.INSUFFICIENT_LEAVE_BALANCE,
      `${request.days} days asked, ${paid} left in the balance`,
      "leaveRequestId",
    );
  await shiftBalance(scope.trx, balance, { pending: -request.days, taken: paid });
  const row = await saveRequest(scope, request, {
    status: "APPROVED",
    unpaid_days: unpaid,
    decided_by: scope.actor.subject,
    decision_note: data.note,
  });
  await followLeave(scope, employee);
  return toLeaveRequest(row);
}

export async function rejectLeave(scope: ActionScope<HrDatabase>, input: z.input<typeof decideSchema>) {
  const data = parseInput(decideSchema, input);
  const { request, balance } = await decide(scope, data.leaveRequestId, "REJECTED");
  await shiftBalance(scope.trx, balance, { pending: -request.days });
  return toLeaveRequest(
    await saveRequest(scope, request, {
      status: "REJECTED",
      decided_by: scope.actor.subject,
      decision_note: data.note,
    }),
  );
}

const cancelSchema = z.object({ leaveRequestId: fields.id("leaveRequestId") });

export async function cancelLeave(scope: ActionScope<HrDatabase>, input: z.input<typeof cancelSchema>) {
  const { request, employee } = await lockRequest(scope.trx, parseInput(cancelSchema, input).leaveRequestId);
  assertActsFor(scope, employee, "leaveRequestId");
  const row = await withdrawLeave(scope, request);
  await followLeave(scope, employee);
  return toLeaveRequest(row);
}

/** Cancels a SUBMITTED or APPROVED request and gives its days back to the balance. */
export async function withdrawLeave(scope: ActionScope<HrDatabase>, request: Selectable<LeaveRequestsTable>) {
  leaveLifecycle.assertTransition(request.status, "CANCELLED");
  const type = await leaveType(scope.trx, request.leave_type_id);
  const balance = await lockBalance(scope.trx, request.employee_id, type, Number(request.start_date.slice(0, 4)));
  await shiftBalance(
    scope.trx,
    balance,
    request.status === "SUBMITTED" ? { pending: -request.days } : { taken: -(request.days - request.unpaid_days) },
  );
  return saveRequest(scope, request, { status: "CANCELLED" });
}

async function saveRequest(
  scope: ActionScope<HrDatabase>,
  current: Selectable<LeaveRequestsTable>,
  changes: Partial<Pick<Selectable<LeaveRequestsTable>, "status" | "unpaid_days" | "decided_by" | "decision_note">>,
) {
  const row = await scope.trx
    .updateTable("hr.leave_requests")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("LeaveRequest", row.id, { from: current.status, to: row.status });
  return row;
}

/**
 * ON_LEAVE while an approved leave covers today, ACTIVE again when none does: applied when leave
 * is approved or cancelled, and by the daily job as days pass.
 */
export async function followLeave(scope: ActionScope<HrDatabase>, employee: Selectable<EmployeesTable>) {
  if (employee.status !== "ACTIVE" && employee.status !== "ON_LEAVE") return employee;
  const today = scope.today();
  const { rows } = await sql<{ away: boolean }>`
    select exists (
      select 1 from hr.leave_requests
      where employee_id = ${employee.id} and status = 'APPROVED' and start_date <= ${today} and end_date >= ${today}
    ) as away`.execute(scope.trx);
  const status = rows[0]?.away ? "ON_LEAVE" : "ACTIVE";
  if (status === employee.status) return employee;
  return saveEmployee(scope, employee, { status }, EmployeeDetailsChanged);
}
