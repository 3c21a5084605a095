import { currencyScale, Dec, roundHalfEven } from "@erp/core";
import type { Kysely } from "kysely";
import { calendarDays, earlier, later, monthBounds, workingDays } from "./calendar.js";
import { compensationOn, toCompensation } from "./compensation.js";
import type { HrDatabase } from "./db.js";

/** One employee's pay for a month, before it is stored. */
export interface ComputedLine {
  employeeId: string;
  currency: string;
  monthlyPay: string;
  employedDays: number;
  unpaidDays: number;
  gross: string;
}

/**
 * Pay for a month: every employee employed on at least one of its days and paid a compensation;
 * a month's pay (a year's twelfth) × (days employed − days of unpaid leave) / days in the month,
 * rounded half-even to the currency. Four statements whatever the headcount.
 */
export async function computePayroll(db: Kysely<HrDatabase>, period: string): Promise<ComputedLine[]> {
  const month = monthBounds(period);
  const employees = await db
    .selectFrom("hr.employees")
    .select(["id", "hire_date", "termination_date"])
    .where("hire_date", "<=", month.last)
    .where((eb) => eb.or([eb("termination_date", "is", null), eb("termination_date", ">=", month.first)]))
    .orderBy("seq")
    .execute();
  if (!employees.length) return [];
  const ids = employees.map((e) => e.id);
  const history = (
    await db
      .selectFrom("hr.compensations")
      .selectAll()
      .where("employee_id", "in", ids)
      .orderBy("effective_from")
      .execute()
  ).map(toCompensation);
  const unpaid = await unpaidLeaveDays(db, ids, month);
  return employees.flatMap((employee) => {
    const from = later(employee.hire_date, month.first);
    const to = earlier(employee.termination_date ?? month.last, month.last);
    const pay = compensationOn(
      history.filter((c) => c.employeeId === employee.id),
      to,
    );
    if (!pay) return [];
    const currency = pay.amount.currency;
    const monthly = pay.period === "MONTH" ? new Dec(pay.amount.amount) : new Dec(pay.amount.amount).div(12);
    const employedDays = calendarDays(from, to);
    const unpaidDays = (unpaid.get(employee.id) ?? []).filter((d) => d >= from && d <= to).length;
    const gross = monthly.times(employedDays - unpaidDays).div(month.days);
    const scale = currencyScale(currency);
    return [
      {
        employeeId: employee.id,
        currency,
        monthlyPay: roundHalfEven(monthly, scale),
        employedDays,
        unpaidDays,
        gross: roundHalfEven(gross, scale),
      },
    ];
  });
}

/**
 * The unpaid days of approved leave touching the month, per employee: the last `unpaid_days`
 * working days of each leave (paid days are used first).
 */
async function unpaidLeaveDays(db: Kysely<HrDatabase>, ids: string[], month: { first: string; last: string }) {
  const leaves = await db
    .selectFrom("hr.leave_requests")
    .select(["employee_id", "start_date", "end_date", "unpaid_days"])
    .where("employee_id", "in", ids)
    .where("status", "=", "APPROVED")
    .where("unpaid_days", ">", 0)
    .where("start_date", "<=", month.last)
    .where("end_date", ">=", month.first)
    .execute();
  const days = new Map<string, string[]>();
  for (const leave of leaves) {
    const unpaid = workingDays(leave.start_date, leave.end_date).slice(-leave.unpaid_days);
    days.set(leave.employee_id, [...(days.get(leave.employee_id) ?? []), ...unpaid]);
  }
  return days;
}
