import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { person, refusedMutation, testDatabaseKind } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { LEAVE, RUN, useHr } from "./harness.js";

const env = useHr();
const approver = person("payroll.approver@erp.local", ["hr:read", "hr:payroll"]);
const ids = {} as Record<"full" | "hired" | "leaver" | "yearly" | "usd", string>;

async function pay(
  employeeId: string,
  amount: string,
  currency = "EUR",
  period = "MONTH",
  effectiveFrom = "2025-06-01",
) {
  await env.ok(
    "changeCompensation",
    { employeeId, amount: { amount, currency }, period, effectiveFrom },
    "employee { id }",
  );
}

async function postedEvents() {
  const { rows } = await sql<{ payload: any }>`
    select payload from hr.outbox_events where type = 'hr.payroll_run.posted' order by sequence`.execute(
    env.database.db,
  );
  return rows.map((r) => r.payload);
}

/**
 * March 2026 (31 days): a full month, a hire on the 11th (21 days), a termination on the 20th
 * (20 days), a yearly salary with 3 days of unpaid leave, and someone paid in USD.
 */
beforeAll(async () => {
  const dept = await env.department();
  ids.full = await env.activeEmployee(dept);
  await pay(ids.full, "3100.00");
  ids.hired = await env.activeEmployee(dept, { hireDate: "2026-03-11" });
  await pay(ids.hired, "3100.00", "EUR", "MONTH", "2026-03-11");
  ids.leaver = await env.activeEmployee(dept);
  await pay(ids.leaver, "3100.00");
  await env.ok(
    "terminateEmployee",
    { employeeId: ids.leaver, effectiveDate: "2026-03-20", reason: "Resigned" },
    "employee { id }",
  );
  ids.yearly = await env.activeEmployee(dept);
  await pay(ids.yearly, "60000.00", "EUR", "YEAR");
  // Monday 23 to Friday 27 March, 2 days in the balance: 25, 26 and 27 are unpaid.
  const unpaidAllowed = await env.leaveType(2, true);
  const leave = await env.mutate(
    "requestLeave",
    { employeeId: ids.yearly, leaveTypeId: unpaidAllowed, startDate: "2026-03-23", endDate: "2026-03-27" },
    LEAVE,
  );
  await env.mutate(
    "approveLeave",
    { leaveRequestId: leave.leaveRequest.id },
    LEAVE,
    env.as(person("hr@erp.local", ["hr:read", "hr:approve"])),
  );
  ids.usd = await env.activeEmployee(dept);
  await pay(ids.usd, "1000.00", "USD");
  // Hired after March and never paid: no line.
  await env.activeEmployee(dept, { hireDate: "2026-04-01" });
});

describe(`payroll on ${testDatabaseKind()}`, () => {
  let runId: string;

  it("pays one line per employee of the month, pro-rated by calendar days, unpaid leave deducted", async () => {
    const { payrollRun: run, errors } = await env.mutate(
      "preparePayrollRun",
      { period: "2026-03", kind: "REGULAR" },
      RUN,
    );
    expect(errors).toEqual([]);
    runId = run.id;
    const line = (id: string) => run.lines.find((l: any) => l.employee.id === id);
    expect(run.lines).toHaveLength(5);
    expect(line(ids.full)).toMatchObject({
      employedDays: 31,
      unpaidDays: 0,
      gross: { amount: "3100.00", currency: "EUR" },
    });
    expect(line(ids.hired)).toMatchObject({ employedDays: 21, gross: { amount: "2100.00" } });
    expect(line(ids.leaver)).toMatchObject({ employedDays: 20, gross: { amount: "2000.00" } });
    // 5000.00 × 28 / 31 = 4516.129… → 4516.13
    expect(line(ids.yearly)).toMatchObject({
      monthlyPay: { amount: "5000.00" },
      employedDays: 31,
      unpaidDays: 3,
      gross: { amount: "4516.13" },
    });
    expect(line(ids.usd)).toMatchObject({ gross: { amount: "1000.00", currency: "USD" } });
    expect(run).toMatchObject({ status: "DRAFT", kind: "REGULAR" });
    expect(run.totals).toEqual([
      { amount: "11716.13", currency: "EUR" },
      { amount: "1000.00", currency: "USD" },
    ]);
  });

  it("refuses approval by the person who prepared the run", async () => {
    const errors = await refusedMutation(
      env.client,
      env.database.db,
      "hr",
      "approvePayrollRun",
      "PayrollRunActionInput",
      { payrollRunId: runId },
    );
    expect(errors).toEqual([expect.objectContaining({ code: "PREPARER_CANNOT_APPROVE" })]);
  });

  it("posts once per period: approved by a second person, posted with per-currency totals; a second REGULAR run is refused", async () => {
    const approved = await env.mutate("approvePayrollRun", { payrollRunId: runId }, RUN, env.as(approver));
    expect(approved.payrollRun.status).toBe("APPROVED");
    expect((await env.mutate("postPayrollRun", { payrollRunId: runId }, RUN)).payrollRun.status).toBe("POSTED");
    const again = await refusedMutation(
      env.client,
      env.database.db,
      "hr",
      "preparePayrollRun",
      "PreparePayrollRunInput",
      {
        period: "2026-03",
        kind: "REGULAR",
      },
    );
    expect(again).toEqual([expect.objectContaining({ code: "PAYROLL_PERIOD_ALREADY_RUN" })]);
    expect(
      await refusedMutation(env.client, env.database.db, "hr", "postPayrollRun", "PayrollRunActionInput", {
        payrollRunId: runId,
      }),
    ).toEqual([expect.objectContaining({ code: "INVALID_STATE_TRANSITION" })]);
    expect(await postedEvents()).toEqual([
      {
        payrollRunId: runId,
        number: expect.stringMatching(/^PR-/),
        period: "2026-03",
        kind: "REGULAR",
        totals: [
          { currency: "EUR", gross: "11716.13", employees: 4 },
          { currency: "USD", gross: "1000.00", employees: 1 },
        ],
      },
    ]);
  });

  it("corrects a posted month with an ADJUSTMENT run of the differences only", async () => {
    expect(
      await refusedMutation(env.client, env.database.db, "hr", "preparePayrollRun", "PreparePayrollRunInput", {
        period: "2026-03",
        kind: "ADJUSTMENT",
      }),
    ).toEqual([expect.objectContaining({ code: "NOTHING_TO_PAY" })]);
    // A back-dated raise from 1 March for the full-month employee: 3410.00 instead of 3100.00.
    await pay(ids.full, "3410.00", "EUR", "MONTH", "2026-03-01");
    const { payrollRun: adjustment } = await env.mutate(
      "preparePayrollRun",
      { period: "2026-03", kind: "ADJUSTMENT" },
      RUN,
    );
    expect(adjustment.lines).toEqual([
      expect.objectContaining({ employee: { id: ids.full }, gross: { amount: "310.00", currency: "EUR" } }),
    ]);
    expect(adjustment.kind).toBe("ADJUSTMENT");
  });

  it("becomes PAID when finance has paid every currency of the posted run, each payment counted once", async () => {
    const paid = (currency: string, amount: string, paymentId = randomUUID()) =>
      env.deliver("finance.payroll.paid", { payrollRunId: runId, paymentId, amount: { amount, currency } });
    const status = async () =>
      (await env.client.request(`query($id: ID!) { payrollRun(id: $id) { status } }`, { id: runId })).data.payrollRun
        .status;
    const eur = randomUUID();
    await paid("EUR", "11716.13", eur);
    await paid("EUR", "11716.13", eur);
    expect(await status()).toBe("POSTED");
    await paid("USD", "1000.00");
    expect(await status()).toBe("PAID");
  });

  it("shows a run's totals to hr:read but refuses its lines (people's pay) without hr:payroll or hr:compensation", async () => {
    const query = `query($id: ID!) { payrollRun(id: $id) { totals { amount } lines { gross { amount } } } }`;
    const reader = await env.as(person("reader@erp.local", ["hr:read"])).request(query, { id: runId });
    expect(reader.errors).toEqual([
      expect.objectContaining({
        path: ["payrollRun", "lines"],
        extensions: expect.objectContaining({ code: "FORBIDDEN" }),
      }),
    ]);
    expect(reader.data?.payrollRun).toEqual({ totals: [{ amount: "11716.13" }, { amount: "1000.00" }], lines: null });
    const clerk = await env.as(person("clerk@erp.local", ["hr:read", "hr:payroll"])).request(query, { id: runId });
    expect(clerk.data.payrollRun.lines).toHaveLength(5);
  });

  it("refuses a period after the current month", async () => {
    expect(
      await refusedMutation(env.client, env.database.db, "hr", "preparePayrollRun", "PreparePayrollRunInput", {
        period: "2026-05",
        kind: "REGULAR",
      }),
    ).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["period"] })]);
  });
});
