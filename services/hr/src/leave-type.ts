import { type ActionScope, fields, parseInput } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { HrDatabase, LeaveTypesTable } from "./db.js";

export interface LeaveType {
  id: string;
  code: string;
  name: string;
  yearlyAllowanceDays: number;
  allowUnpaidBeyondBalance: boolean;
}

export const toLeaveType = (row: Selectable<LeaveTypesTable>): LeaveType => ({
  id: row.id,
  code: row.code,
  name: row.name,
  yearlyAllowanceDays: row.yearly_allowance_days,
  allowUnpaidBeyondBalance: row.allow_unpaid_beyond_balance,
});

const defineSchema = z.object({
  code: fields.code("Code", /^[A-Z0-9-]{2,20}$/, "Code must be 2 to 20 capital letters, digits or dashes"),
  name: fields.text("Name", 200),
  yearlyAllowanceDays: z
    .number()
    .int()
    .min(0, "The yearly allowance must be 0 days or more")
    .max(366, "The yearly allowance must be at most 366 days"),
  allowUnpaidBeyondBalance: z.boolean(),
});

/** Defines a leave type, or redefines it by its code; balances already opened keep their allowance. */
export async function defineLeaveType(scope: ActionScope<HrDatabase>, input: z.input<typeof defineSchema>) {
  const data = parseInput(defineSchema, input);
  const values = {
    name: data.name,
    yearly_allowance_days: data.yearlyAllowanceDays,
    allow_unpaid_beyond_balance: data.allowUnpaidBeyondBalance,
  };
  const row = await scope.trx
    .insertInto("hr.leave_types")
    .values({ code: data.code, ...values })
    .onConflict((oc) =>
      oc.column("code").doUpdateSet((eb) => ({ ...values, version: eb("hr.leave_types.version", "+", 1) })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("LeaveType", row.id, { code: row.code, ...values });
  return toLeaveType(row);
}
