import { EmployeeDetailsChanged, EmployeeHired, type EmployeeTerminated } from "@erp/contracts";
import { type ActionScope, defineStateMachine, fields, nextDocumentNumber, parseInput, sql } from "@erp/core";
import type { Kysely, Selectable, Transaction, Updateable } from "kysely";
import { z } from "zod";
import type { EmployeeStatus, EmployeesTable, EmploymentType, HrDatabase } from "./db.js";
import { assertDepartment } from "./department.js";
import { HrErrorCode, notFound, refuse } from "./errors.js";

/** Employment; ON_LEAVE comes and goes with approved leave (the daily job), TERMINATED is final. */
export const employmentLifecycle = defineStateMachine<EmployeeStatus>("Employee", {
  ONBOARDING: ["ACTIVE", "TERMINATED"],
  ACTIVE: ["ON_LEAVE", "TERMINATED"],
  ON_LEAVE: ["ACTIVE", "TERMINATED"],
  TERMINATED: [],
});

export interface Employee {
  id: string;
  number: string;
  name: string;
  workEmail: string;
  departmentId: string;
  managerId: string | null;
  jobTitle: string;
  hireDate: string;
  employmentType: EmploymentType;
  status: EmployeeStatus;
  terminationDate: string | null;
  userSubject: string | null;
  version: number;
  cursorPosition: string;
}

export function toEmployee(row: Selectable<EmployeesTable>): Employee {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    workEmail: row.work_email,
    departmentId: row.department_id,
    managerId: row.manager_id,
    jobTitle: row.job_title,
    hireDate: row.hire_date,
    employmentType: row.employment_type,
    status: row.status,
    terminationDate: row.termination_date,
    userSubject: row.user_subject,
    version: row.version,
    cursorPosition: row.seq,
  };
}

type SnapshotEvent = typeof EmployeeHired | typeof EmployeeDetailsChanged | typeof EmployeeTerminated;

/** Publishes the employee as they now are, so other domains keep the newest snapshot. */
export async function announce(scope: ActionScope<HrDatabase>, row: Selectable<EmployeesTable>, event: SnapshotEvent) {
  await scope.emit(event, row.id, {
    employeeId: row.id,
    number: row.number,
    name: row.name,
    workEmail: row.work_email,
    departmentId: row.department_id,
    managerId: row.manager_id,
    status: row.status,
    userSubject: row.user_subject,
    version: row.version,
  });
}

export async function lockEmployee(trx: Transaction<HrDatabase>, id: string, field = "employeeId") {
  const row = await trx.selectFrom("hr.employees").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(HrErrorCode.EMPLOYEE_NOT_FOUND, "The employee", field);
}

/** A manager who exists and still works here. */
async function assertManager(db: Kysely<HrDatabase>, id: string) {
  const row = await db.selectFrom("hr.employees").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return notFound(HrErrorCode.EMPLOYEE_NOT_FOUND, "The manager", "managerId");
  if (row.status === "TERMINATED") refuse(HrErrorCode.EMPLOYEE_TERMINATED, `${row.name} is terminated`, "managerId");
  return row;
}

/** Refuses changing a terminated employee. */
export function assertEmployed(row: Selectable<EmployeesTable>) {
  if (row.status === "TERMINATED") refuse(HrErrorCode.EMPLOYEE_TERMINATED, `${row.name} is terminated`, "employeeId");
}

/** Saves changes with a new version and announces the new snapshot. */
export async function saveEmployee(
  scope: ActionScope<HrDatabase>,
  current: Selectable<EmployeesTable>,
  changes: Updateable<EmployeesTable>,
  event: SnapshotEvent | null = EmployeeDetailsChanged,
) {
  const row = await scope.trx
    .updateTable("hr.employees")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Employee", row.id, changes as Record<string, unknown>);
  if (event) await announce(scope, row, event);
  return row;
}

const hireSchema = z.object({
  name: fields.text("Name", 200),
  workEmail: fields.email(),
  departmentId: fields.id("departmentId"),
  managerId: fields.id("managerId").nullish(),
  jobTitle: fields.text("Job title", 200),
  hireDate: fields.dateWithin("The hire date", { pastDays: 18_262, futureDays: 366 }),
  employmentType: z.enum(["FULL_TIME", "PART_TIME", "CONTRACTOR", "INTERN"]),
  userSubject: fields.optionalText("User subject", 200),
});

export async function hireEmployee(scope: ActionScope<HrDatabase>, input: z.input<typeof hireSchema>) {
  const data = parseInput(hireSchema, input);
  await assertDepartment(scope.trx, data.departmentId, "departmentId");
  if (data.managerId) await assertManager(scope.trx, data.managerId);
  await assertUnique(scope.trx, data.workEmail, data.userSubject);
  const row = await scope.trx
    .insertInto("hr.employees")
    .values({
      number: await nextDocumentNumber(scope.trx, "hr.employee_number_seq", "E"),
      name: data.name,
      work_email: data.workEmail,
      department_id: data.departmentId,
      manager_id: data.managerId ?? null,
      job_title: data.jobTitle,
      hire_date: data.hireDate,
      employment_type: data.employmentType,
      termination_date: null,
      termination_reason: null,
      user_subject: data.userSubject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Employee", row.id, { number: row.number, departmentId: row.department_id });
  await announce(scope, row, EmployeeHired);
  return toEmployee(row);
}

async function assertUnique(db: Kysely<HrDatabase>, workEmail: string, userSubject: string | null) {
  const email = await db
    .selectFrom("hr.employees")
    .select("id")
    .where(sql`lower(work_email)`, "=", workEmail.toLowerCase())
    .executeTakeFirst();
  if (email) refuse(HrErrorCode.WORK_EMAIL_TAKEN, `Another employee has the work email ${workEmail}`, "workEmail");
  if (!userSubject) return;
  const subject = await db
    .selectFrom("hr.employees")
    .select("id")
    .where("user_subject", "=", userSubject)
    .executeTakeFirst();
  if (subject)
    refuse(HrErrorCode.USER_SUBJECT_TAKEN, "Another employee is linked to this identity subject", "userSubject");
}

const employeeIdSchema = z.object({ employeeId: fields.id("employeeId") });

export async function activateEmployee(scope: ActionScope<HrDatabase>, input: z.input<typeof employeeIdSchema>) {
  const current = await lockEmployee(scope.trx, parseInput(employeeIdSchema, input).employeeId);
  if (current.status !== "ONBOARDING")
    refuse(
      HrErrorCode.INVALID_STATE_TRANSITION,
      `Only an ONBOARDING employee can be activated; this one is ${current.status}`,
    );
  return toEmployee(await saveEmployee(scope, current, { status: "ACTIVE" }));
}

const transferSchema = employeeIdSchema.extend({
  departmentId: fields.id("departmentId"),
  jobTitle: fields.optionalText("Job title", 200),
});

export async function transferEmployee(scope: ActionScope<HrDatabase>, input: z.input<typeof transferSchema>) {
  const data = parseInput(transferSchema, input);
  const current = await lockEmployee(scope.trx, data.employeeId);
  assertEmployed(current);
  await assertDepartment(scope.trx, data.departmentId, "departmentId");
  return toEmployee(
    await saveEmployee(scope, current, {
      department_id: data.departmentId,
      ...(data.jobTitle && { job_title: data.jobTitle }),
    }),
  );
}

/** The employee's managers, the manager first, up to the top: one recursive statement. */
async function reportingLine(db: Kysely<HrDatabase>, managerId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    /* reportingLine */
    with recursive line as (
      select id, manager_id from hr.employees where id = ${managerId}
      union
      select e.id, e.manager_id from hr.employees e join line on e.id = line.manager_id
    )
    select id from line`.execute(db);
  return rows.map((r) => r.id);
}

const managerSchema = employeeIdSchema.extend({ managerId: fields.id("managerId").nullish() });

export async function changeManager(scope: ActionScope<HrDatabase>, input: z.input<typeof managerSchema>) {
  const data = parseInput(managerSchema, input);
  // Two concurrent changes could each pass the cycle check and together close a loop: one at a time.
  await sql`lock table hr.employees in share row exclusive mode`.execute(scope.trx);
  const current = await lockEmployee(scope.trx, data.employeeId);
  assertEmployed(current);
  if (data.managerId) {
    await assertManager(scope.trx, data.managerId);
    if ((await reportingLine(scope.trx, data.managerId)).includes(current.id))
      refuse(HrErrorCode.MANAGER_CYCLE, `${current.name} would end up reporting to themselves`, "managerId");
  }
  return toEmployee(await saveEmployee(scope, current, { manager_id: data.managerId ?? null }));
}
