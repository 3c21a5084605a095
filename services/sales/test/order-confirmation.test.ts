import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { SalesDatabase } from "../src/db.js";
import { scheduledConfirmationTimeouts } from "../src/order-closing.js";
import { useSales } from "./harness.js";

const env = useSales();

describe(`the confirmation saga of a sales order on ${testDatabaseKind()}`, () => {
  it("asks inventory to reserve on confirmation and allows no cancellation while it waits", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const id = (await env.place(c, [{ productId: p, quantity: "2" }])).data.placeSalesOrder.salesOrder.id;
    const confirmed = await env.client.request(
      `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status availableActions } errors { code } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id } },
    );
    expect(confirmed.data.confirmSalesOrder.salesOrder).toEqual({
      status: "PENDING_CONFIRMATION",
      availableActions: [],
    });
    const { rows } = await sql<{
      payload: any;
    }>`select payload from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${id}`.execute(
      env.database.db,
    );
    expect(rows[0]!.payload).toMatchObject({
      reference: { type: "SalesOrder", id },
      warehouseId: env.warehouseId,
      lines: [{ productId: p, quantity: "2" }],
    });
    const cancel = await env.client.request(
      `mutation($i: CancelSalesOrderInput!) { cancelSalesOrder(input: $i) { errors { code message } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id, reason: "x" } },
    );
    expect(cancel.data.cancelSalesOrder.errors[0].message).toBe(
      "Sales order cannot move from PENDING_CONFIRMATION to CANCELLED",
    );
    await env.deliver("inventory.stock.reserved", {
      reference: { type: "SalesOrder", id },
      reservations: [{ id: randomUUID(), productId: p, warehouseId: env.warehouseId, quantity: "2" }],
    });
    const halfway = await env.client.request(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id });
    expect(halfway.data.salesOrder.status).toBe("PENDING_CONFIRMATION");
    await env.deliver("finance.credit.approved", {
      reference: { type: "SalesOrder", id },
      amount: { amount: "237.98", currency: "EUR" },
    });
    const after = await env.client.request(
      `query($id: ID!) { salesOrder(id: $id) { status confirmedAt availableActions } }`,
      { id },
    );
    expect(after.data.salesOrder).toMatchObject({ status: "CONFIRMED", availableActions: ["CANCEL", "SHIP"] });
  });

  it("rejects on a credit refusal and gives back stock reserved meanwhile", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const id = (await env.place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id;
    await env.client.request(
      `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`,
      {
        i: { idempotencyKey: newKey(), salesOrderId: id },
      },
    );
    const { rows: requested } = await sql<{
      payload: any;
    }>`select payload from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${id}`.execute(
      env.database.db,
    );
    expect(requested[0]!.payload).toMatchObject({ customerId: c, total: { amount: "118.99", currency: "EUR" } });
    await env.deliver("finance.credit.refused", {
      reference: { type: "SalesOrder", id },
      reason: { code: "CREDIT_LIMIT_EXCEEDED", message: "No room" },
    });
    const reservationId = randomUUID();
    await env.deliver("inventory.stock.reserved", {
      reference: { type: "SalesOrder", id },
      reservations: [{ id: reservationId, productId: p, warehouseId: env.warehouseId, quantity: "1" }],
    });
    const after = await env.client.request(
      `query($id: ID!) { salesOrder(id: $id) { status statusReason statusReasonCode } }`,
      { id },
    );
    expect(after.data.salesOrder).toEqual({
      status: "REJECTED",
      statusReason: "No room",
      statusReasonCode: "CREDIT_LIMIT_EXCEEDED",
    });
    const { rows } = await sql<{
      type: string;
      payload: any;
    }>`select type, payload from sales.outbox_events where aggregate_id = ${id} and type in ('sales.order.rejected', 'sales.order.reservations_declined') order by sequence`.execute(
      env.database.db,
    );
    expect(rows.map((r) => r.type)).toEqual(["sales.order.rejected", "sales.order.reservations_declined"]);
    expect(rows[1]!.payload.reservationIds).toEqual([reservationId]);
  });

  it("rejects an order pending longer than the confirmation timeout, releasing a late reservation", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const id = (await env.place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id;
    await env.client.request(
      `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: newKey(), salesOrderId: id } },
    );
    const reference = { type: "SalesOrder", id };
    await env.deliver("finance.credit.approved", { reference, amount: { amount: "118.99", currency: "EUR" } });
    const status = async () =>
      (await env.client.request(`query($id: ID!) { salesOrder(id: $id) { status statusReasonCode } }`, { id })).data
        .salesOrder;
    const started = env.clock.now();
    try {
      // Within the timeout (300 s by default) the order keeps waiting.
      env.clock.set(new Date(Date.now() + 200_000));
      await scheduledConfirmationTimeouts(env.database.db as Kysely<SalesDatabase>, env.clock);
      expect(await status()).toEqual({ status: "PENDING_CONFIRMATION", statusReasonCode: null });
      env.clock.set(new Date(Date.now() + 360_000));
      await scheduledConfirmationTimeouts(env.database.db as Kysely<SalesDatabase>, env.clock);
      expect(await status()).toEqual({ status: "REJECTED", statusReasonCode: "CONFIRMATION_TIMEOUT" });
    } finally {
      env.clock.set(started);
    }
    const reservationId = randomUUID();
    await env.deliver("inventory.stock.reserved", {
      reference,
      reservations: [{ id: reservationId, productId: p, warehouseId: env.warehouseId, quantity: "1" }],
    });
    expect(await status()).toEqual({ status: "REJECTED", statusReasonCode: "CONFIRMATION_TIMEOUT" });
    const { rows } = await sql<{ type: string; payload: any }>`
      select type, payload from sales.outbox_events where aggregate_id = ${id}
      and type in ('sales.order.rejected', 'sales.order.reservations_declined') order by sequence`.execute(
      env.database.db,
    );
    expect(rows.map((r) => [r.type, r.payload.reason?.code ?? r.payload.reservationIds])).toEqual([
      ["sales.order.rejected", "CONFIRMATION_TIMEOUT"],
      ["sales.order.reservations_declined", [reservationId]],
    ]);
  });
  /** Orders waiting for the saga, whatever earlier tests left: the backpressure bound counts them. */
  const pendingConfirmations = async () =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from sales.sales_orders where status = 'PENDING_CONFIRMATION'`.execute(env.database.db)
      ).rows[0]!.n,
    );

  it("refuses new confirmations while too many are late (CONFIRMATION_BACKLOG), changing nothing, and takes the same request once the backlog drains", async () => {
    const confirm = (salesOrderId: string, idempotencyKey = newKey()) =>
      env.client.request(
        `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status } errors { code field message } } }`,
        { i: { idempotencyKey, salesOrderId } },
      );
    const statusOf = async (id: string) =>
      (await env.client.request(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id })).data.salesOrder.status;
    const [c, p] = [await env.customer(), await env.product()];
    const [a, b, late] = await Promise.all(
      [1, 2, 3].map(
        async () => (await env.place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id,
      ),
    );
    // Two of our own pending beside whatever earlier tests left pending: the bound is reached by ours.
    const saved = { ...process.env };
    process.env.SALES_CONFIRMATION_BACKLOG_ORDERS = String((await pendingConfirmations()) + 2);
    process.env.SALES_CONFIRMATION_BACKLOG_SECONDS = "60";
    const started = env.clock.now();
    try {
      for (const id of [a!, b!])
        expect((await confirm(id)).data.confirmSalesOrder.salesOrder.status).toBe("PENDING_CONFIRMATION");
      // Not late yet: a third may join.
      const probe = (await env.place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id;
      expect((await confirm(probe)).data.confirmSalesOrder.errors).toEqual([]);
      await env.deliver("finance.credit.refused", {
        reference: { type: "SalesOrder", id: probe },
        reason: { code: "CREDIT_LIMIT_EXCEEDED", message: "No room" },
      });

      // Two minutes on, a and b (and what earlier tests left) have waited past 60 s.
      env.clock.set(new Date(Date.now() + 120_000));
      const key = newKey();
      const refused = (await confirm(late!, key)).data.confirmSalesOrder;
      expect(refused.salesOrder).toBeNull();
      expect(refused.errors).toEqual([
        expect.objectContaining({ code: "CONFIRMATION_BACKLOG", field: ["salesOrderId"] }),
      ]);
      expect(refused.errors[0].message).toMatch(/waited more than 60 s.*retry in a few seconds/);
      expect(await statusOf(late!)).toBe("DRAFT");
      const { rows: requested } = await sql`
        select 1 from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${late}`.execute(
        env.database.db,
      );
      expect(requested).toEqual([]);

      // Finance refuses a's credit: one late fewer, and the same request (same key) now goes through.
      await env.deliver("finance.credit.refused", {
        reference: { type: "SalesOrder", id: a },
        reason: { code: "CREDIT_LIMIT_EXCEEDED", message: "No room" },
      });
      expect(await statusOf(a!)).toBe("REJECTED");
      expect((await confirm(late!, key)).data.confirmSalesOrder).toEqual({
        salesOrder: { status: "PENDING_CONFIRMATION" },
        errors: [],
      });
    } finally {
      env.clock.set(started);
      process.env = saved;
    }
  });

  it("with SALES_CONFIRMATION_BACKLOG_SECONDS=0 bounds the confirmations waiting at all, however young", async () => {
    const confirm = (salesOrderId: string) =>
      env.client.request(
        `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status } errors { code message } } }`,
        { i: { idempotencyKey: newKey(), salesOrderId } },
      );
    const [c, p] = [await env.customer(), await env.product()];
    const [first, second] = await Promise.all(
      [1, 2].map(
        async () => (await env.place(c, [{ productId: p, quantity: "1" }])).data.placeSalesOrder.salesOrder.id,
      ),
    );
    const saved = { ...process.env };
    process.env.SALES_CONFIRMATION_BACKLOG_ORDERS = String((await pendingConfirmations()) + 1);
    process.env.SALES_CONFIRMATION_BACKLOG_SECONDS = "0";
    try {
      expect((await confirm(first!)).data.confirmSalesOrder.salesOrder.status).toBe("PENDING_CONFIRMATION");
      // No clock moves: the first has waited no time at all, and still counts.
      const refused = (await confirm(second!)).data.confirmSalesOrder;
      expect(refused.salesOrder).toBeNull();
      expect(refused.errors).toEqual([expect.objectContaining({ code: "CONFIRMATION_BACKLOG" })]);
      expect(refused.errors[0].message).toMatch(/orders are waiting for stock and credit/);
    } finally {
      process.env = saved;
    }
  });
});
