import { EmployeeTerminated } from "@erp/contracts";
import { type ActionScope, type Clock, clockDay, fields, parseInput, runScheduledAction } from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { EmployeesTable, HrDatabase } from "./db.js";
import { assertEmployed, employmentLifecycle, lockEmployee, saveEmployee, toEmployee } from "./employee.js";
import { HrErrorCode, refuse } from "./errors.js";
import { followLeave, withdrawLeave } from "./leave.js";

const terminateSchema = z.object({
  employeeId: fields.id("employeeId"),
  effectiveDate: fields.dateWithin("The termination date", { pastDays: 366, futureDays: 366 }),
  reason: fields.text("Reason", 500, { multiline: true }),
});

/**
 * Records the last day of employment. On or before today it takes effect at once; a later date
 * takes effect on its day through the daily job. Leave starting after that day is cancelled now
 * (leave spanning it stays as approved: payroll pays only days employed).
 */
export async function terminateEmployee(scope: ActionScope<HrDatabase>, input: z.input<typeof terminateSchema>) {
  const data = parseInput(terminateSchema, input);
  const current = await lockEmployee(scope.trx, data.employeeId);
  assertEmployed(current);
  if (data.effectiveDate < current.hire_date)
    refuse(
      HrErrorCode.VALIDATION_FAILED,
      `The termination date must not be before the hire date ${current.hire_date}`,
      "effectiveDate",
    );
  const later = await scope.trx
    .selectFrom("hr.leave_requests")
    .selectAll()
    .where("employee_id", "=", current.id)
    .where("status", "in", ["SUBMITTED", "APPROVED"])
    .where("start_date", ">", data.effectiveDate)
    .forUpdate()
    .execute();
  for (const request of later) await withdrawLeave(scope, request);
  const effectiveNow = data.effectiveDate <= scope.today();
  const row = await saveEmployee(
    scope,
    current,
    {
      termination_date: data.effectiveDate,
      termination_reason: data.reason,
      ...(effectiveNow && { status: "TERMINATED" as const }),
    },
    effectiveNow ? EmployeeTerminated : null,
  );
  return toEmployee(row);
}

/**
 * The day's changes of employment: terminations whose day has come, and ON_LEAVE following
 * approved leave. Idempotent: a rerun finds nothing left to change.
 */
export async function applyEmploymentDay(scope: ActionScope<HrDatabase>) {
  const today = scope.today();
  const due = await scope.trx
    .selectFrom("hr.employees")
    .selectAll()
    .where("status", "<>", "TERMINATED")
    .where((eb) =>
      eb.or([
        eb("termination_date", "<=", today),
        eb("status", "=", "ON_LEAVE"),
        eb.exists(
          eb
            .selectFrom("hr.leave_requests as l")
            .select("l.id")
            .whereRef("l.employee_id", "=", "hr.employees.id")
            .where("l.status", "=", "APPROVED")
            .where("l.start_date", "<=", today)
            .where("l.end_date", ">=", today),
        ),
      ]),
    )
    .orderBy("seq")
    .forUpdate()
    .execute();
  let terminated = 0;
  for (const employee of due) {
    if (employee.termination_date && employee.termination_date <= today) {
      await terminateNow(scope, employee);
      terminated++;
    } else await followLeave(scope, employee);
  }
  return { day: today, terminated, checked: due.length };
}

async function terminateNow(scope: ActionScope<HrDatabase>, employee: Selectable<EmployeesTable>) {
  employmentLifecycle.assertTransition(employee.status, "TERMINATED");
  await saveEmployee(scope, employee, { status: "TERMINATED" }, EmployeeTerminated);
}

/** The daily job, shortly after midnight UTC, as the system; keyed by the day so a rerun changes nothing. */
export async function scheduledEmploymentDay(db: Kysely<HrDatabase>, clock: Clock): Promise<void> {
  const day = clockDay(clock);
  await runScheduledAction(
    db,
    "hr",
    "applyEmploymentDay",
    `employment-day-${day}`,
    (s) => applyEmploymentDay(s),
    clock,
  );
}
