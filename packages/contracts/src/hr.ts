import { z } from "zod";
import { decimal, defineEvent, entityId } from "./contract.js";

const employeeSnapshot = z.object({
  employeeId: entityId,
  number: z.string(),
  name: z.string(),
  workEmail: z.string(),
  departmentId: entityId,
  managerId: entityId.nullable(),
  status: z.enum(["ONBOARDING", "ACTIVE", "ON_LEAVE", "TERMINATED"]),
  /** The identity subject (JWT `sub`) of the person, when linked; null otherwise. */
  userSubject: z.string().nullable(),
  /** Increases with every change, so a consumer keeps only the newest snapshot. */
  version: z.number().int().positive(),
});
const employeeEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "hr", aggregateType: "Employee", payload: employeeSnapshot });

export const EmployeeHired = employeeEvent("hr.employee.hired");
/** Activation, transfer, a new manager, leave starting or ending: any change to the snapshot. */
export const EmployeeDetailsChanged = employeeEvent("hr.employee.details_changed");
export const EmployeeTerminated = employeeEvent("hr.employee.terminated");

/**
 * A payroll run was posted: finance books one balanced entry per currency (salary expense /
 * payroll payable) and keeps the payable until `payPayroll` settles it.
 */
export const PayrollRunPosted = defineEvent({
  type: "hr.payroll_run.posted",
  version: 1,
  source: "hr",
  aggregateType: "PayrollRun",
  payload: z.object({
    payrollRunId: entityId,
    number: z.string(),
    /** The month paid, "2026-10". */
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    kind: z.enum(["REGULAR", "ADJUSTMENT"]),
    totals: z
      .array(z.object({ currency: z.string().regex(/^[A-Z]{3}$/), gross: decimal, employees: z.number().int().min(1) }))
      .min(1),
  }),
});

/** Every event HR publishes. */
export const hrEvents = [EmployeeHired, EmployeeDetailsChanged, EmployeeTerminated, PayrollRunPosted] as const;

export const employeeEvents = [EmployeeHired, EmployeeDetailsChanged, EmployeeTerminated] as const;
