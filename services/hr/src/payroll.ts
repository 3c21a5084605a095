import { PayrollRunPosted } from "@erp/contracts";
import {
  type ActionScope,
  currencyScale,
  Dec,
  defineStateMachine,
  fields,
  type Money,
  money,
  nextDocumentNumber,
  parseInput,
  roundHalfEven,
  sql,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { HrDatabase, PayrollLinesTable, PayrollRunKind, PayrollRunStatus, PayrollRunsTable } from "./db.js";
import { HrErrorCode, notFound, refuse } from "./errors.js";
import { type ComputedLine, computePayroll } from "./payroll-lines.js";

/** DRAFT → APPROVED (a second person) → POSTED (to finance) → PAID (finance paid every currency). */
export const payrollLifecycle = defineStateMachine<PayrollRunStatus>("Payroll run", {
  DRAFT: ["APPROVED"],
  APPROVED: ["POSTED"],
  POSTED: ["PAID"],
  PAID: [],
});

export interface PayrollRun {
  id: string;
  number: string;
  period: string;
  kind: PayrollRunKind;
  status: PayrollRunStatus;
  preparedBy: string;
  approvedBy: string | null;
  postedAt: string | null;
  version: number;
  cursorPosition: string;
}

export interface PayrollLine {
  runId: string;
  employeeId: string;
  monthlyPay: Money;
  employedDays: number;
  unpaidDays: number;
  gross: Money;
}

export const toPayrollRun = (row: Selectable<PayrollRunsTable>): PayrollRun => ({
  id: row.id,
  number: row.number,
  period: row.period,
  kind: row.kind,
  status: row.status,
  preparedBy: row.prepared_by,
  approvedBy: row.approved_by,
  postedAt: row.posted_at ? new Date(row.posted_at).toISOString() : null,
  version: row.version,
  cursorPosition: row.seq,
});

export const toPayrollLine = (row: Selectable<PayrollLinesTable>): PayrollLine => ({
  runId: row.run_id,
  employeeId: row.employee_id,
  monthlyPay: money(row.monthly_pay, row.currency.trim()),
  employedDays: row.employed_days,
  unpaidDays: row.unpaid_days,
  gross: money(row.gross, row.currency.trim()),
});

/** Gross per currency, with how many employees are paid in it. */
export function runTotals(lines: PayrollLine[]) {
  const totals = new Map<string, { gross: Dec; employees: number }>();
  for (const line of lines) {
    const total = totals.get(line.gross.currency) ?? { gross: new Dec(0), employees: 0 };
    totals.set(line.gross.currency, { gross: total.gross.plus(line.gross.amount), employees: total.employees + 1 });
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currency, t]) => ({ currency, ...t }));
}

const prepareSchema = z.object({
  period: z
    .string()
    .regex(/^(2\d{3})-(0[1-9]|1[0-2])$/, "The period must be a month YYYY-MM from 2000-01")
    .refine((p) => p >= "2000-01", "The period must be a month YYYY-MM from 2000-01"),
  kind: z.enum(["REGULAR", "ADJUSTMENT"]),
});

export async function preparePayrollRun(scope: ActionScope<HrDatabase>, input: z.input<typeof prepareSchema>) {
  const data = parseInput(prepareSchema, input);
  if (data.period > scope.today().slice(0, 7))
    refuse(HrErrorCode.VALIDATION_FAILED, "The period must not be after the current month", "period");
  const regular = await scope.trx
    .selectFrom("hr.payroll_runs")
    .selectAll()
    .where("period", "=", data.period)
    .where("kind", "=", "REGULAR")
    .forUpdate()
    .executeTakeFirst();
  const computed = await computePayroll(scope.trx, data.period);
  let lines: ComputedLine[];
  if (data.kind === "REGULAR") {
    if (regular)
      refuse(
        HrErrorCode.PAYROLL_PERIOD_ALREADY_RUN,
        `${regular.number} is the REGULAR run of ${data.period}; correct it with an ADJUSTMENT run`,
        "period",
      );
    lines = computed;
  } else {
    lines = await adjustmentLines(scope.trx, data.period, computed, regular);
  }
  if (!lines.length) refuse(HrErrorCode.NOTHING_TO_PAY, `Nothing to pay for ${data.period}`, "period");
  const row = await scope.trx
    .insertInto("hr.payroll_runs")
    .values({
      number: await nextDocumentNumber(scope.trx, "hr.payroll_run_number_seq", "PR"),
      period: data.period,
      kind: data.kind,
      prepared_by: scope.actor.subject,
      approved_by: null,
      posted_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("hr.payroll_lines")
    .values(
      lines.map((l) => ({
        run_id: row.id,
        employee_id: l.employeeId,
        currency: l.currency,
        monthly_pay: l.monthlyPay,
        employed_days: l.employedDays,
        unpaid_days: l.unpaidDays,
        gross: l.gross,
      })),
    )
    .execute();
  await scope.audit("PayrollRun", row.id, { period: row.period, kind: row.kind, lines: lines.length });
  return toPayrollRun(row);
}

/**
 * An adjustment pays what the month's pay is now minus what posted runs paid for it, per employee
 * and currency; only the differences become lines. Every earlier run of the month must be posted.
 */
async function adjustmentLines(
  trx: Transaction<HrDatabase>,
  period: string,
  computed: ComputedLine[],
  regular: Selectable<PayrollRunsTable> | undefined,
): Promise<ComputedLine[]> {
  if (!regular) refuse(HrErrorCode.INVALID_STATE_TRANSITION, `${period} has no REGULAR run to adjust yet`, "period");
  const unposted = await trx
    .selectFrom("hr.payroll_runs")
    .select("number")
    .where("period", "=", period)
    .where("status", "in", ["DRAFT", "APPROVED"])
    .executeTakeFirst();
  if (unposted)
    refuse(HrErrorCode.INVALID_STATE_TRANSITION, `${unposted.number} of ${period} is not posted yet`, "period");
  const { rows: paid } = await sql<{ employee_id: string; currency: string; gross: string }>`
    select l.employee_id, l.currency, sum(l.gross)::text as gross
    from hr.payroll_lines l join hr.payroll_runs r on r.id = l.run_id
    where r.period = ${period} and r.status in ('POSTED', 'PAID')
    group by l.employee_id, l.currency`.execute(trx);
  const key = (employeeId: string, currency: string) => `${employeeId}:${currency.trim()}`;
  const now = new Map(computed.map((l) => [key(l.employeeId, l.currency), l]));
  const before = new Map(paid.map((p) => [key(p.employee_id, p.currency), p.gross]));
  const lines: ComputedLine[] = [];
  for (const k of new Set([...now.keys(), ...before.keys()])) {
    const [employeeId, currency] = k.split(":") as [string, string];
    const current = now.get(k) ?? { employeeId, currency, monthlyPay: "0", employedDays: 0, unpaidDays: 0, gross: "0" };
    const difference = new Dec(current.gross).minus(before.get(k) ?? "0");
    if (!difference.isZero()) lines.push({ ...current, gross: roundHalfEven(difference, currencyScale(currency)) });
  }
  return lines;
}

async function lockRun(trx: Transaction<HrDatabase>, id: string) {
  const row = await trx.selectFrom("hr.payroll_runs").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(HrErrorCode.PAYROLL_RUN_NOT_FOUND, "The payroll run", "payrollRunId");
}

async function saveRun(
  scope: ActionScope<HrDatabase>,
  current: Selectable<PayrollRunsTable>,
  changes: Partial<Pick<Selectable<PayrollRunsTable>, "status" | "approved_by" | "posted_at">>,
) {
  const row = await scope.trx
    .updateTable("hr.payroll_runs")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("PayrollRun", row.id, { from: current.status, to: row.status });
  return row;
}

const runIdSchema = z.object({ payrollRunId: fields.id("payrollRunId") });

export async function approvePayrollRun(scope: ActionScope<HrDatabase>, input: z.input<typeof runIdSchema>) {
  const current = await lockRun(scope.trx, parseInput(runIdSchema, input).payrollRunId);
  payrollLifecycle.assertTransition(current.status, "APPROVED");
  if (current.prepared_by === scope.actor.subject)
    refuse(
      HrErrorCode.PREPARER_CANNOT_APPROVE,
      "Someone other than who prepared the run must approve it",
      "payrollRunId",
    );
  return toPayrollRun(await saveRun(scope, current, { status: "APPROVED", approved_by: scope.actor.subject }));
}

export async function runLines(trx: Transaction<HrDatabase>, runId: string) {
  return (await trx.selectFrom("hr.payroll_lines").selectAll().where("run_id", "=", runId).execute()).map(
    toPayrollLine,
  );
}

/** Posting tells finance the gross per currency, to book salary expense against payroll payable. */
export async function postPayrollRun(scope: ActionScope<HrDatabase>, input: z.input<typeof runIdSchema>) {
  const current = await lockRun(scope.trx, parseInput(runIdSchema, input).payrollRunId);
  payrollLifecycle.assertTransition(current.status, "POSTED");
  const row = await saveRun(scope, current, { status: "POSTED", posted_at: scope.now() });
  await scope.emit(PayrollRunPosted, row.id, {
    payrollRunId: row.id,
    number: row.number,
    period: row.period,
    kind: row.kind,
    totals: runTotals(await runLines(scope.trx, row.id)).map((t) => ({
      currency: t.currency,
      gross: roundHalfEven(t.gross, currencyScale(t.currency)),
      employees: t.employees,
    })),
  });
  return toPayrollRun(row);
}
