import { type ActionScope, fields, type Money, money, parseInput } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { CompensationsTable, HrDatabase, PayPeriod } from "./db.js";
import { assertEmployed, lockEmployee, toEmployee } from "./employee.js";

export interface CompensationRecord {
  employeeId: string;
  amount: Money;
  period: PayPeriod;
  effectiveFrom: string;
  recordedBy: string;
}

export const toCompensation = (row: Selectable<CompensationsTable>): CompensationRecord => ({
  employeeId: row.employee_id,
  amount: money(row.amount, row.currency.trim()),
  period: row.period,
  effectiveFrom: row.effective_from,
  recordedBy: row.recorded_by,
});

/** The entry in force on a day: the latest one effective on or before it (history oldest first). */
export const compensationOn = (history: CompensationRecord[], day: string): CompensationRecord | null =>
  history.filter((c) => c.effectiveFrom <= day).at(-1) ?? null;

const changeSchema = z.object({
  employeeId: fields.id("employeeId"),
  amount: fields.money(),
  period: z.enum(["MONTH", "YEAR"]),
  effectiveFrom: fields.dateWithin("The effective date", { pastDays: 366, futureDays: 366 }),
});

/** Records pay from a date; an entry of the same day is replaced, earlier ones stay as history. */
export async function changeCompensation(scope: ActionScope<HrDatabase>, input: z.input<typeof changeSchema>) {
  const data = parseInput(changeSchema, input);
  const employee = await lockEmployee(scope.trx, data.employeeId);
  assertEmployed(employee);
  const values = {
    amount: data.amount.amount,
    currency: data.amount.currency,
    period: data.period,
    recorded_by: scope.actor.subject,
  };
  await scope.trx
    .insertInto("hr.compensations")
    .values({ employee_id: employee.id, effective_from: data.effectiveFrom, ...values })
    .onConflict((oc) => oc.columns(["employee_id", "effective_from"]).doUpdateSet(values))
    .execute();
  await scope.audit("Employee", employee.id, { compensationFrom: data.effectiveFrom, period: data.period });
  return toEmployee(employee);
}
