import { isoDay, type OperationRunner, type SeedTools, type SubgraphModule, subgraphRunner } from "@erp/core";
import { monthBounds } from "./calendar.js";
import type { HrDatabase } from "./db.js";

/** Input types not named after their mutation. */
const INPUT_TYPES: Record<string, string> = {
  activateEmployee: "EmployeeActionInput",
  approveLeave: "DecideLeaveInput",
  rejectLeave: "DecideLeaveInput",
  approvePayrollRun: "PayrollRunActionInput",
  postPayrollRun: "PayrollRunActionInput",
};
const inputType = (mutation: string) =>
  INPUT_TYPES[mutation] ?? `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;

async function run(execute: OperationRunner, mutation: string, input: Record<string, unknown>) {
  const type = inputType(mutation);
  const result = await execute(
    `mutation($input: ${type}!) { ${mutation}(input: $input) { errors { code message } } }`,
    {
      input,
    },
  );
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`HR seed failed (${mutation}): ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload;
}

/** Runs a mutation and returns the id of what it made or changed, read from the named payload field. */
async function made(execute: OperationRunner, mutation: string, field: string, input: Record<string, unknown>) {
  const type = inputType(mutation);
  const result = await execute(
    `mutation($input: ${type}!) { ${mutation}(input: $input) { ${field} { id } errors { code message } } }`,
    { input },
  );
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`HR seed failed (${mutation}): ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload[field].id as string;
}

const DEPARTMENTS = [
  ["MGMT", "Management", "CC-100"],
  ["SALES", "Sales", "CC-200"],
  ["FIN", "Finance", "CC-300"],
  ["OPS", "Operations", "CC-400"],
  ["ENG", "Engineering", "CC-500"],
] as const;

const PEOPLE = [
  "Ada Weber",
  "Ben Fischer",
  "Clara Schulz",
  "David Koch",
  "Emma Wagner",
  "Felix Becker",
  "Greta Hoffmann",
  "Hugo Richter",
  "Ida Klein",
  "Jonas Wolf",
  "Karla Neumann",
  "Lukas Schwarz",
  "Mia Zimmermann",
  "Noah Braun",
  "Olivia Krüger",
  "Paul Hofmann",
  "Quirin Hartmann",
  "Rosa Lange",
  "Simon Werner",
  "Tara Krause",
  "Uwe Lehmann",
  "Vera Köhler",
  "Wim Maier",
  "Xenia Huber",
  "Yann Kaiser",
  "Zoe Fuchs",
  "Anton Peters",
  "Bea Lang",
  "Carl Scholz",
  "Dora Möller",
];

const TITLES = ["Head of department", "Senior specialist", "Specialist", "Specialist", "Associate", "Trainee"];

/** The two months before the current one, oldest first, as YYYY-MM. */
function previousMonths(): [string, string] {
  const now = new Date();
  const month = (back: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
  return [month(2), month(1)];
}

/** A weekday at least `days` ahead. */
function weekdayAhead(days: number) {
  let offset = days;
  while ([0, 6].includes(new Date(`${isoDay(offset)}T00:00:00Z`).getUTCDay())) offset++;
  return offset;
}

/**
 * A small organisation: 30 people in 5 departments, leave in every state, and the two previous
 * months' payroll prepared, approved by a second person and posted (finance books them from the events).
 */
export async function seedHr(
  execute: OperationRunner,
  tools: SeedTools<HrDatabase>,
  module: SubgraphModule<HrDatabase>,
): Promise<void> {
  // Four eyes: leave and payroll are approved by a second person, never the seed that asked.
  const approver = subgraphRunner(module, tools.db as never, "seed-approver");
  const [older, last] = previousMonths();
  const departments: string[] = [];
  for (const [code, name, costCentre] of DEPARTMENTS)
    departments.push(
      await made(execute, "openDepartment", "department", {
        idempotencyKey: `seed-hr-department-${code}`,
        code,
        name,
        costCentre,
        parentId: departments[0] ?? null,
      }),
    );
  const employees: string[] = [];
  for (const [i, name] of PEOPLE.entries()) {
    const d = Math.floor(i / 6);
    const head = i % 6 === 0;
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@erp.local`;
    // The newest hire starts in the middle of last month, so its payroll line is pro-rated.
    const hireDate = i === PEOPLE.length - 1 ? `${last}-11` : isoDay(-400 - i * 37);
    const id = await made(execute, "hireEmployee", "employee", {
      idempotencyKey: `seed-hr-hire-${i}`,
      name,
      workEmail: email,
      departmentId: departments[d],
      managerId: head ? (i === 0 ? null : employees[0]) : employees[d * 6],
      jobTitle: i === 0 ? "Managing director" : TITLES[i % 6],
      hireDate,
      employmentType: i % 6 === 5 ? "INTERN" : i === 17 || i === 23 ? "CONTRACTOR" : "FULL_TIME",
      userSubject: head ? email : null,
    });
    employees.push(id);
    await run(execute, "activateEmployee", { idempotencyKey: `seed-hr-activate-${i}`, employeeId: id });
    const contractor = i === 17 || i === 23;
    await run(execute, "changeCompensation", {
      idempotencyKey: `seed-hr-pay-${i}`,
      employeeId: id,
      amount: contractor
        ? { amount: `${6000 + i * 10}.00`, currency: "USD" }
        : { amount: `${head ? 7200 : 3000 + (i % 6) * 450}.00`, currency: "EUR" },
      period: "MONTH",
      effectiveFrom: i === PEOPLE.length - 1 ? hireDate : isoDay(-120),
    });
    if (head)
      await run(execute, "appointDepartmentManager", {
        idempotencyKey: `seed-hr-head-${d}`,
        departmentId: departments[d],
        employeeId: id,
      });
  }
  // Someone left in the middle of last month: pro-rated too.
  await run(execute, "terminateEmployee", {
    idempotencyKey: "seed-hr-terminate",
    employeeId: employees[28],
    effectiveDate: `${last}-${String(Math.min(15, monthBounds(last).days)).padStart(2, "0")}`,
    reason: "Moved abroad",
  });
  await seedLeave(execute, approver, employees);
  for (const period of [older, last]) {
    const runId = await made(execute, "preparePayrollRun", "payrollRun", {
      idempotencyKey: `seed-hr-payroll-${period}`,
      period,
      kind: "REGULAR",
    });
    await run(approver, "approvePayrollRun", {
      idempotencyKey: `seed-hr-payroll-approve-${period}`,
      payrollRunId: runId,
    });
    await run(execute, "postPayrollRun", { idempotencyKey: `seed-hr-payroll-post-${period}`, payrollRunId: runId });
  }
}

async function seedLeave(execute: OperationRunner, approver: OperationRunner, employees: string[]) {
  const annual = await made(execute, "defineLeaveType", "leaveType", {
    idempotencyKey: "seed-hr-leave-annual",
    code: "ANNUAL",
    name: "Annual leave",
    yearlyAllowanceDays: 25,
    allowUnpaidBeyondBalance: false,
  });
  await run(execute, "defineLeaveType", {
    idempotencyKey: "seed-hr-leave-unpaid",
    code: "UNPAID",
    name: "Unpaid leave",
    yearlyAllowanceDays: 0,
    allowUnpaidBeyondBalance: true,
  });
  const requests: string[] = [];
  for (const n of [1, 2, 3, 7, 8, 13]) {
    const start = weekdayAhead(14 + n * 3);
    requests.push(
      await made(execute, "requestLeave", "leaveRequest", {
        idempotencyKey: `seed-hr-leave-${n}`,
        employeeId: employees[n],
        leaveTypeId: annual,
        startDate: isoDay(start),
        endDate: isoDay(start),
        reason: "Family visit",
      }),
    );
  }
  // Two approved, one rejected, one cancelled, the rest waiting for a decision.
  await run(approver, "approveLeave", { idempotencyKey: "seed-hr-leave-approve-1", leaveRequestId: requests[0] });
  await run(approver, "approveLeave", { idempotencyKey: "seed-hr-leave-approve-2", leaveRequestId: requests[1] });
  await run(approver, "rejectLeave", {
    idempotencyKey: "seed-hr-leave-reject",
    leaveRequestId: requests[2],
    note: "Quarter-end closing",
  });
  await run(execute, "cancelLeave", { idempotencyKey: "seed-hr-leave-cancel", leaveRequestId: requests[3] });
}
