import type { Selectable, Transaction } from "kysely";
import type { HrDatabase, LeaveBalancesTable, LeaveTypesTable } from "./db.js";

export interface LeaveBalance {
  employeeId: string;
  leaveTypeId: string;
  year: number;
  allowance: number;
  taken: number;
  pending: number;
  available: number;
  cursorPosition: string;
}

export const toLeaveBalance = (row: Selectable<LeaveBalancesTable>): LeaveBalance => ({
  employeeId: row.employee_id,
  leaveTypeId: row.leave_type_id,
  year: row.year,
  allowance: row.allowance,
  taken: row.taken,
  pending: row.pending,
  available: row.allowance - row.taken - row.pending,
  cursorPosition: row.seq,
});

/** The year's balance, opened at the type's allowance the first time it is needed, locked for this transaction. */
export async function lockBalance(
  trx: Transaction<HrDatabase>,
  employeeId: string,
  type: Selectable<LeaveTypesTable>,
  year: number,
) {
  await trx
    .insertInto("hr.leave_balances")
    .values({ employee_id: employeeId, leave_type_id: type.id, year, allowance: type.yearly_allowance_days })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return trx
    .selectFrom("hr.leave_balances")
    .selectAll()
    .where("employee_id", "=", employeeId)
    .where("leave_type_id", "=", type.id)
    .where("year", "=", year)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Moves days between pending and taken; the columns' checks keep both at 0 or more. */
export async function shiftBalance(
  trx: Transaction<HrDatabase>,
  balance: Selectable<LeaveBalancesTable>,
  change: { taken?: number; pending?: number },
) {
  await trx
    .updateTable("hr.leave_balances")
    .set((eb) => ({
      taken: eb("taken", "+", change.taken ?? 0),
      pending: eb("pending", "+", change.pending ?? 0),
    }))
    .where("employee_id", "=", balance.employee_id)
    .where("leave_type_id", "=", balance.leave_type_id)
    .where("year", "=", balance.year)
    .execute();
}
