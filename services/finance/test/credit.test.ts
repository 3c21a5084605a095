import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { newKey, person, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";

const env = useFinance();
const as = (subject: string) => env.as(person(subject, ["finance:*"]));

async function customer() {
  const id = randomUUID();
  await env.deliver("crm.customer.registered", {
    customerId: id,
    code: "C-1",
    name: "Credit AG",
    status: "ACTIVE",
    version: 1,
  });
  return id;
}

const LINE =
  "creditLine { id status limit { amount } approvers exposure { amount } available { amount } decisionReason } errors { code field message }";
const request = (who: string, customerId: string, amount: string) =>
  as(who).request(`mutation($i: RequestCreditLineInput!) { requestCreditLine(input: $i) { ${LINE} } }`, {
    i: { idempotencyKey: newKey(), customerId, limit: { amount, currency: "EUR" } },
  });
const approve = (who: string, creditLineId: string) =>
  as(who).request(`mutation($i: CreditLineInput!) { approveCreditLine(input: $i) { ${LINE} } }`, {
    i: { idempotencyKey: newKey(), creditLineId },
  });

/** Asks finance's credit leg about an order, as the saga would; returns finance's answer. */
async function confirmation(customerId: string, total: string) {
  const orderId = randomUUID();
  await env.deliver("sales.order.confirmation_requested", {
    orderId,
    customerId,
    reference: { type: "SalesOrder", id: orderId },
    total: { amount: total, currency: "EUR" },
    warehouseId: randomUUID(),
    lines: [],
  });
  const { rows } = await sql<{
    type: string;
    payload: any;
  }>`select type, payload from finance.outbox_events where aggregate_id = ${orderId}`.execute(env.database.db);
  return {
    orderId,
    type: rows[0]?.type,
    reason: rows[0]?.payload.reason as { code: string; message: string } | undefined,
  };
}

describe(`credit lines on ${testDatabaseKind()}`, () => {
  it("is approved by someone other than the requester, then limits order confirmations", async () => {
    const c = await customer();
    const line = (await request("clerk", c, "1000.00")).data.requestCreditLine.creditLine;
    expect(line).toMatchObject({ status: "PENDING_APPROVAL", limit: { amount: "1000.00" } });
    expect((await approve("clerk", line.id)).data.approveCreditLine.errors[0].code).toBe("APPROVER_IS_REQUESTER");
    const active = (await approve("controller", line.id)).data.approveCreditLine.creditLine;
    expect(active).toMatchObject({ status: "ACTIVE", approvers: ["controller"], available: { amount: "1000.00" } });
    expect((await confirmation(c, "600.00")).type).toBe("finance.credit.approved");
    const refused = await confirmation(c, "400.01");
    expect(refused.type).toBe("finance.credit.refused");
    expect(refused.reason).toEqual({
      code: "CREDIT_LIMIT_EXCEEDED",
      message: "400.01 EUR would exceed the available credit of 400.00 EUR",
    });
    expect((await confirmation(c, "400.00")).type).toBe("finance.credit.approved");
    const view = await as("clerk").request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { creditLine { exposure { amount } available { amount } } } } }`,
      { r: [{ __typename: "Customer", id: c }] },
    );
    expect(view.data._entities[0].creditLine).toEqual({
      exposure: { amount: "1000.00" },
      available: { amount: "0.00" },
    });
  });

  it("frees credit when a held order is rejected or cancelled", async () => {
    const c = await customer();
    const line = (await request("clerk", c, "100.00")).data.requestCreditLine.creditLine;
    await approve("controller", line.id);
    const held = await confirmation(c, "100.00");
    expect((await confirmation(c, "1.00")).type).toBe("finance.credit.refused");
    await env.deliver("sales.order.cancelled", { orderId: held.orderId, reason: "x", reservationIds: [] });
    expect((await confirmation(c, "1.00")).type).toBe("finance.credit.approved");
  });

  it("the credit check and the credit release of one order, delivered at once 40 times, never fail on the hold row", async () => {
    const c = await customer();
    const line = (await request("clerk", c, "100000.00")).data.requestCreditLine.creditLine;
    await approve("controller", line.id);
    const orders = Array.from({ length: 40 }, () => randomUUID());
    const deliveries = orders.flatMap((orderId) => [
      env.deliver("sales.order.confirmation_requested", {
        orderId,
        customerId: c,
        reference: { type: "SalesOrder", id: orderId },
        total: { amount: "10.00", currency: "EUR" },
        warehouseId: randomUUID(),
        lines: [],
      }),
      env.deliver("sales.order.rejected", {
        orderId,
        reason: { code: "INSUFFICIENT_STOCK", message: "x" },
        reservationIds: [],
      }),
    ]);
    const outcomes = await Promise.allSettled(deliveries);
    expect(
      outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason)),
    ).toEqual([]);
    // Whichever came first, every order ends released: nothing of the 40 counts against the line.
    expect(await env.count("finance.credit_holds", `customer_id = '${c}' and status = 'HELD'`)).toBe(0);
    expect(
      await env.count(
        "finance.credit_holds",
        `order_id in (${orders.map((o) => `'${o}'`).join(",")}) and status = 'RELEASED'`,
      ),
    ).toBe(40);
  });

  it("needs two different approvers above the dual-approval limit", async () => {
    const c = await customer();
    const line = (await request("clerk", c, "75000.00")).data.requestCreditLine.creditLine;
    expect((await approve("controller", line.id)).data.approveCreditLine.creditLine).toMatchObject({
      status: "PENDING_APPROVAL",
      approvers: ["controller"],
    });
    expect((await approve("controller", line.id)).data.approveCreditLine.errors[0].code).toBe("ALREADY_APPROVED");
    expect((await approve("cfo", line.id)).data.approveCreditLine.creditLine).toMatchObject({
      status: "ACTIVE",
      approvers: ["controller", "cfo"],
    });
  });

  it("refuses a second live line, and a suspended line refuses every confirmation", async () => {
    const c = await customer();
    const line = (await request("clerk", c, "500.00")).data.requestCreditLine.creditLine;
    expect((await request("clerk", c, "900.00")).data.requestCreditLine.errors[0]).toMatchObject({
      code: "CREDIT_LINE_EXISTS",
      field: ["customerId"],
    });
    await approve("controller", line.id);
    const suspended = await as("controller").request(
      `mutation($i: CreditLineDecisionInput!) { suspendCreditLine(input: $i) { ${LINE} } }`,
      { i: { idempotencyKey: newKey(), creditLineId: line.id, reason: "Payments bouncing" } },
    );
    expect(suspended.data.suspendCreditLine.creditLine).toMatchObject({
      status: "SUSPENDED",
      decisionReason: "Payments bouncing",
    });
    expect((await confirmation(c, "1.00")).reason?.code).toBe("CREDIT_LINE_SUSPENDED");
  });

  it("lets a customer without a credit line order without a limit", async () => {
    expect((await confirmation(await customer(), "1000000.00")).type).toBe("finance.credit.approved");
  });
});
