import { randomUUID } from "node:crypto";
import { handleOnce } from "@erp/core";
import { newKey, person, refusedMutation, testDatabaseKind } from "@erp/testing";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { FinanceDatabase } from "../src/db.js";
import { finance } from "../src/index.js";
import { useFinance } from "./harness.js";

const env = useFinance();

/** HR posted a payroll run paying these gross totals; finance's handler books it. */
async function payrollPosted(totals: { currency: string; gross: string; employees: number }[], runId = randomUUID()) {
  const event = await env.deliver("hr.payroll_run.posted", {
    payrollRunId: runId,
    number: "PR-000001",
    period: "2026-10",
    kind: "REGULAR",
    totals,
  });
  return { runId, event };
}

const PAYABLE =
  "payrollPayable { payrollRunId runNumber amount { amount currency } paid paidOn postingEntry { id } paymentEntry { lines { account { code } debit { amount } credit { amount } } } } errors { code field message }";
const pay = (payrollRunId: string, currency: string, idempotencyKey = newKey()) =>
  env.client.request(`mutation($i: PayPayrollInput!) { payPayroll(input: $i) { ${PAYABLE} } }`, {
    i: { idempotencyKey, payrollRunId, currency },
  });

/** Balance per account code and currency from the trial balance (debit positive). */
async function balances() {
  const { data } = await env.client.request(
    `{ trialBalance { totals { debit { amount currency } credit { amount } } rows { account { code } balance { amount currency } } } }`,
  );
  for (const t of data.trialBalance.totals) expect(t.debit.amount).toBe(t.credit.amount);
  return new Map<string, string>(
    data.trialBalance.rows.map((r: any) => [`${r.account.code} ${r.balance.currency}`, r.balance.amount]),
  );
}

const entriesOf = (runId: string) =>
  env.count("finance.journal_entries", `source_type = 'PayrollRun' and source_id like '${runId}:%'`);

describe(`payroll in the ledger on ${testDatabaseKind()}`, () => {
  it("books one balanced entry per currency, pays each once, and the trial balance stays zero", async () => {
    const { runId } = await payrollPosted([
      { currency: "EUR", gross: "12500.00", employees: 3 },
      { currency: "CHF", gross: "8000.50", employees: 1 },
    ]);
    expect(await entriesOf(runId)).toBe(2);
    let b = await balances();
    expect(b.get("6000 EUR")).toBe("12500.00");
    expect(b.get("2300 EUR")).toBe("-12500.00");
    expect(b.get("2300 CHF")).toBe("-8000.50");

    const paid = (await pay(runId, "EUR")).data.payPayroll;
    expect(paid.errors).toEqual([]);
    expect(paid.payrollPayable).toMatchObject({ paid: true, amount: { amount: "12500.00", currency: "EUR" } });
    expect(paid.payrollPayable.paymentEntry.lines).toEqual(
      expect.arrayContaining([
        { account: { code: "2300" }, debit: { amount: "12500.00" }, credit: { amount: "0.00" } },
        { account: { code: "1000" }, debit: { amount: "0.00" }, credit: { amount: "12500.00" } },
      ]),
    );
    b = await balances();
    expect(b.get("2300 EUR")).toBe("0.00");
    expect(b.get("1000 EUR")).toBe("-12500.00");
    expect(b.get("2300 CHF")).toBe("-8000.50");

    const { data } = await env.client.request(
      `query($id: ID) { payrollPayables(payrollRunId: $id, open: true) { amount { currency } } }`,
      { id: runId },
    );
    expect(data.payrollPayables).toEqual([{ amount: { currency: "CHF" } }]);
    const events = await env.count(
      "finance.outbox_events",
      `type = 'finance.payroll.paid' and aggregate_id = '${runId}'`,
    );
    expect(events).toBe(1);
  });

  it("posts a redelivered run once, under the same event id or a new one", async () => {
    const totals = [{ currency: "EUR", gross: "4200.00", employees: 2 }];
    const expenseBefore = Number((await balances()).get("6000 EUR") ?? 0);
    const { runId, event } = await payrollPosted(totals);
    const handler = finance.handlers!.find((h) => h.contract.type === "hr.payroll_run.posted")!;
    const db = env.database.db as Kysely<FinanceDatabase>;
    expect(await handleOnce(db, "finance", handler, { ...event, version: 1 }, env.clock)).toBe(false);
    await payrollPosted(totals, runId);
    expect(await entriesOf(runId)).toBe(1);
    expect(await env.count("finance.payroll_payables", `payroll_run_id = '${runId}'`)).toBe(1);
    expect(Number((await balances()).get("6000 EUR")) - expenseBefore).toBe(4200);
  });

  it("a retried payPayroll returns the first answer and pays once", async () => {
    const { runId } = await payrollPosted([{ currency: "EUR", gross: "1000.00", employees: 1 }]);
    const key = newKey();
    const first = (await pay(runId, "EUR", key)).data.payPayroll;
    const again = (await pay(runId, "EUR", key)).data.payPayroll;
    expect(again).toEqual(first);
    expect(
      await env.count(
        "finance.journal_lines",
        `entry_id in (select id from finance.journal_entries where source_type = 'PayrollPayment')`,
      ),
    ).toBe(2 * (await env.count("finance.payroll_payables", "payment_id is not null")));
    expect(
      await env.count("finance.outbox_events", `type = 'finance.payroll.paid' and aggregate_id = '${runId}'`),
    ).toBe(1);
  });

  it("refuses an unknown run, a paid one and a currency it does not owe, writing nothing", async () => {
    const { runId } = await payrollPosted([{ currency: "EUR", gross: "300.00", employees: 1 }]);
    const refused = (input: Record<string, unknown>) =>
      refusedMutation(env.client, env.database.db, "finance", "payPayroll", "PayPayrollInput", input);
    expect(await refused({ payrollRunId: randomUUID(), currency: "EUR" })).toEqual([
      expect.objectContaining({ code: "PAYROLL_RUN_NOT_FOUND", field: ["payrollRunId"] }),
    ]);
    expect(await refused({ payrollRunId: runId, currency: "USD" })).toEqual([
      expect.objectContaining({ code: "CURRENCY_MISMATCH", field: ["currency"] }),
    ]);
    expect((await pay(runId, "EUR")).data.payPayroll.errors).toEqual([]);
    expect(await refused({ payrollRunId: runId, currency: "EUR" })).toEqual([
      expect.objectContaining({ code: "PAYROLL_ALREADY_PAID", field: ["payrollRunId"] }),
    ]);
  });

  it("refuses payPayroll without finance:payments", async () => {
    const { runId } = await payrollPosted([{ currency: "EUR", gross: "300.00", employees: 1 }]);
    const { data, errors } = await env
      .as(person("clerk", ["finance:read", "finance:post"]))
      .request(`mutation($i: PayPayrollInput!) { payPayroll(input: $i) { errors { code } } }`, {
        i: { idempotencyKey: newKey(), payrollRunId: runId, currency: "EUR" },
      });
    expect(data?.payPayroll?.errors?.[0]?.code ?? errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN/);
    expect(await env.count("finance.payroll_payables", `payroll_run_id = '${runId}' and payment_id is not null`)).toBe(
      0,
    );
  });
});

describe(`people on credit lines on ${testDatabaseKind()}`, () => {
  it("refers to the requester and approvers as HR employees by their identity subject", async () => {
    const customerId = randomUUID();
    await env.deliver("crm.customer.registered", {
      customerId,
      code: "C-9",
      name: "Ref AG",
      status: "ACTIVE",
      version: 1,
    });
    const line = (
      await env
        .as(person("anna@erp.local", ["finance:*"]))
        .request(`mutation($i: RequestCreditLineInput!) { requestCreditLine(input: $i) { creditLine { id } } }`, {
          i: { idempotencyKey: newKey(), customerId, limit: { amount: "500.00", currency: "EUR" } },
        })
    ).data.requestCreditLine.creditLine;
    const { data } = await env
      .as(person("ben@erp.local", ["finance:*"]))
      .request(
        `mutation($i: CreditLineInput!) { approveCreditLine(input: $i) { creditLine { requestedBy requester { __typename userSubject } approvers approvedBy { __typename userSubject } } } }`,
        { i: { idempotencyKey: newKey(), creditLineId: line.id } },
      );
    expect(data.approveCreditLine.creditLine).toEqual({
      requestedBy: "anna@erp.local",
      requester: { __typename: "Employee", userSubject: "anna@erp.local" },
      approvers: ["ben@erp.local"],
      approvedBy: [{ __typename: "Employee", userSubject: "ben@erp.local" }],
    });
  });
});
