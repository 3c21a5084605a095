import type { Principal } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ERRORS, useInventory } from "./harness.js";

const env = useInventory();
const clerk: Principal = { subject: "clerk@erp.local", kind: "person", roles: ["warehouse"], scopes: ["inventory:*"] };
const manager: Principal = {
  subject: "manager@erp.local",
  kind: "person",
  roles: ["manager"],
  scopes: ["inventory:*"],
};

/** Payloads of inventory's outbox events of one type about one product, oldest first. */
async function emitted(type: string, productId?: string): Promise<any[]> {
  const { rows } = await sql<{ payload: any }>`
    select payload from inventory.outbox_events
    where type = ${type} and (${productId ?? null}::text is null or payload->>'productId' = ${productId ?? null})
    order by sequence`.execute(env.database.db);
  return rows.map((r) => r.payload);
}

/** Movement values of one level, oldest first, and the level's own stock value and quantity. */
async function ledger(productId: string, warehouseId: string) {
  const { rows: movements } = await sql<{ kind: string; quantity: string; value: string }>`
    select kind, quantity::text, value::text from inventory.stock_movements
    where product_id = ${productId} and warehouse_id = ${warehouseId} order by seq`.execute(env.database.db);
  const { rows } = await sql<{ on_hand: string; stock_value: string; average_unit_cost: string }>`
    select on_hand::text, stock_value::text, average_unit_cost::text from inventory.stock_levels
    where product_id = ${productId} and warehouse_id = ${warehouseId}`.execute(env.database.db);
  const sum = movements.reduce((total, m) => total + Math.round(Number(m.value) * 100), 0) / 100;
  return { movements, level: rows[0]!, sum };
}

const receive = async (productId: string, warehouseId: string, quantity: string, cost: string) => {
  const { data } = await env.client.request(
    `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { id } ${ERRORS} } }`,
    {
      i: { idempotencyKey: newKey(), productId, warehouseId, quantity, unitCost: { amount: cost, currency: "EUR" } },
    },
  );
  expect(data.receiveStock.errors).toEqual([]);
};

async function reserve(productId: string, warehouseId: string, quantity: string): Promise<string> {
  const { data } = await env.client.request(
    `mutation($i: ReserveStockInput!) { reserveStock(input: $i) { reservations { id } ${ERRORS} } }`,
    {
      i: {
        idempotencyKey: newKey(),
        reference: { type: "ServiceJob", id: newKey("JOB") },
        lines: [{ productId, warehouseId, quantity }],
      },
    },
  );
  expect(data.reserveStock.errors).toEqual([]);
  return data.reserveStock.reservations[0].id;
}

async function issue(reservationId: string, quantity: string) {
  const { data } = await env.client.request(
    `mutation($i: IssueReservedStockInput!) { issueReservedStock(input: $i) { ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), reservationId, quantity, source: { type: "SalesShipment", id: newKey("SH") } } },
  );
  expect(data.issueReservedStock.errors).toEqual([]);
}

async function transfer(productId: string, fromWarehouseId: string, toWarehouseId: string, quantity: string) {
  const { data } = await env.client.request(
    `mutation($i: TransferStockInput!) { transferStock(input: $i) { ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), productId, fromWarehouseId, toWarehouseId, quantity } },
  );
  expect(data.transferStock.errors).toEqual([]);
}

async function adjust(productId: string, warehouseId: string, change: Record<string, string>) {
  const { data } = await env.client.request(
    `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { adjustment { quantity value { amount } status } ${ERRORS} } }`,
    { i: { idempotencyKey: newKey(), productId, warehouseId, reasonCode: "COUNT", ...change } },
  );
  expect(data.adjustStock.errors).toEqual([]);
  return data.adjustStock.adjustment;
}

/** Runs the ledger check (as the hourly job does) and returns the valuation it reported. */
async function reportedValuation() {
  const { data } = await env.client.request(
    `mutation($i: CheckStockLedgerInput!) { checkStockLedger(input: $i) { discrepancies { onHand ledgerQuantity } ${ERRORS} } }`,
    { i: { idempotencyKey: newKey() } },
  );
  expect(data.checkStockLedger.errors).toEqual([]);
  const reports = await emitted("inventory.valuation.reported");
  return { discrepancies: data.checkStockLedger.discrepancies, valuations: reports.at(-1).valuations };
}

describe(`exact stock values on ${testDatabaseKind()}`, () => {
  it("values receipts exactly and lets the issue that empties a level take the rest: no cent left behind", async () => {
    const w = (await env.make.warehouse()).id;
    const p = (await env.make.product()).id;
    await receive(p, w, "1", "10.00");
    await receive(p, w, "2", "10.01");
    // 30.02 / 3 = 10.006667: every single issue rounds to 10.01, which would leave −0.01 behind.
    const after = await ledger(p, w);
    expect(after.level).toEqual({ on_hand: "3.000000", stock_value: "30.0200", average_unit_cost: "10.006667" });
    const reservation = await reserve(p, w, "3");
    await issue(reservation, "1");
    await issue(reservation, "1");
    await issue(reservation, "1");
    const end = await ledger(p, w);
    expect(end.movements.map((m) => [m.kind, m.value])).toEqual([
      ["RECEIPT", "10.0000"],
      ["RECEIPT", "20.0200"],
      ["ISSUE", "-10.0100"],
      ["ISSUE", "-10.0100"],
      ["ISSUE", "-10.0000"],
    ]);
    expect(end.level.on_hand).toBe("0.000000");
    expect(end.level.stock_value).toBe("0.0000");
    expect(end.sum).toBe(0);
    // The events carry the same exact values: what the ledger posts, positive like the issued quantity.
    expect((await emitted("inventory.stock.issued", p)).map((e) => [e.quantity, e.value, e.unitCost])).toEqual([
      ["1", { amount: "10.01", currency: "EUR" }, { amount: "10.006667", currency: "EUR" }],
      ["1", { amount: "10.01", currency: "EUR" }, { amount: "10.006667", currency: "EUR" }],
      ["1", { amount: "10.00", currency: "EUR" }, { amount: "10.006667", currency: "EUR" }],
    ]);
    expect((await emitted("inventory.stock.received", p)).map((e) => [e.quantity, e.unitCost, e.value])).toEqual([
      ["1", { amount: "10.00", currency: "EUR" }, { amount: "10.00", currency: "EUR" }],
      ["2", { amount: "10.01", currency: "EUR" }, { amount: "20.02", currency: "EUR" }],
    ]);
  });

  it("values a pending adjustment when it is applied, at the average then: the adjustment keeps what moved", async () => {
    const w = (await env.make.warehouse()).id;
    const p = (await env.make.product()).id;
    await receive(p, w, "100", "50.00");
    const pending = await env
      .as(clerk)
      .request(
        `mutation($i: AdjustStockInput!) { adjustStock(input: $i) { adjustment { id value { amount } status } ${ERRORS} } }`,
        { i: { idempotencyKey: newKey(), productId: p, warehouseId: w, delta: "-30", reasonCode: "LOST" } },
      );
    const requested = pending.data.adjustStock.adjustment;
    expect(requested).toMatchObject({ status: "PENDING_APPROVAL", value: { amount: "1500.00" } });
    await receive(p, w, "100", "60.00"); // the average becomes 11000.00 / 200 = 55.00
    const { data } = await env
      .as(manager)
      .request(
        `mutation($i: ApproveStockAdjustmentInput!) { approveStockAdjustment(input: $i) { adjustment { value { amount } status } ${ERRORS} } }`,
        { i: { idempotencyKey: newKey(), adjustmentId: requested.id } },
      );
    expect(data.approveStockAdjustment.adjustment).toEqual({ value: { amount: "1650.00" }, status: "APPLIED" });
    expect((await emitted("inventory.stock.adjusted", p)).map((e) => e.value)).toEqual([
      { amount: "-1650.00", currency: "EUR" },
    ]);
    const end = await ledger(p, w);
    expect(end.movements.at(-1)).toEqual({ kind: "ADJUSTMENT", quantity: "-30.000000", value: "-1650.0000" });
    expect([end.level.stock_value, end.sum]).toEqual(["9350.0000", 9350]);
  });

  it("moves value with a transfer: the total is kept, and emptying the source moves all it held", async () => {
    const [a, b] = [(await env.make.warehouse()).id, (await env.make.warehouse()).id];
    const p = (await env.make.product()).id;
    await receive(p, a, "1", "10.00");
    await receive(p, a, "2", "10.01");
    await transfer(p, a, b, "1");
    const [first, second] = [await ledger(p, a), await ledger(p, b)];
    expect([first.level.stock_value, second.level.stock_value]).toEqual(["20.0100", "10.0100"]);
    expect(first.movements.at(-1)).toEqual({ kind: "TRANSFER_OUT", quantity: "-1.000000", value: "-10.0100" });
    expect(second.movements).toEqual([{ kind: "TRANSFER_IN", quantity: "1.000000", value: "10.0100" }]);
    await transfer(p, a, b, "2");
    const [emptied, full] = [await ledger(p, a), await ledger(p, b)];
    expect(emptied.level).toMatchObject({ on_hand: "0.000000", stock_value: "0.0000" });
    expect(full.level).toEqual({ on_hand: "3.000000", stock_value: "30.0200", average_unit_cost: "10.006667" });
    expect([emptied.sum, full.sum]).toEqual([0, 30.02]);
  });

  it("values an adjustment like the movement it makes, signed in the event: a loss negative, a gain positive", async () => {
    const w = (await env.make.warehouse()).id;
    const p = (await env.make.product()).id;
    await receive(p, w, "1", "10.00");
    await receive(p, w, "2", "10.01");
    expect(await adjust(p, w, { delta: "-1" })).toMatchObject({ quantity: "-1", value: { amount: "10.01" } });
    expect(await adjust(p, w, { delta: "1" })).toMatchObject({ quantity: "1", value: { amount: "10.01" } });
    // Counting zero empties the level: the adjustment takes exactly what is left.
    expect(await adjust(p, w, { countedQuantity: "0" })).toMatchObject({ quantity: "-3", value: { amount: "30.02" } });
    const events = await emitted("inventory.stock.adjusted", p);
    expect(events.map((e) => [e.quantity, e.value.amount])).toEqual([
      ["-1", "-10.01"],
      ["1", "10.01"],
      ["-3", "-30.02"],
    ]);
    const end = await ledger(p, w);
    expect(end.movements.filter((m) => m.kind === "ADJUSTMENT").map((m) => m.value)).toEqual([
      "-10.0100",
      "10.0100",
      "-30.0200",
    ]);
    expect([end.level.stock_value, end.sum]).toEqual(["0.0000", 0]);
  });

  it("reports the valuation: the value held and the valued movements, transfers and zero values not counted", async () => {
    const before = await reportedValuation();
    expect(before.valuations).toHaveLength(1);
    expect(before.valuations[0].currency).toBe("EUR");
    const [a, b] = [(await env.make.warehouse()).id, (await env.make.warehouse()).id];
    const p = (await env.make.product()).id;
    await receive(p, a, "4", "2.50"); // +10.00, counted
    await receive(p, a, "1", "0"); // worth nothing: not posted, not counted
    await transfer(p, a, b, "2"); // moves 4.00 (average 2.00) between warehouses: not counted
    await issue(await reserve(p, b, "1"), "1"); // −2.00, counted
    await adjust(p, a, { delta: "-1" }); // −2.00, counted
    const after = await reportedValuation();
    const [was, is] = [before.valuations[0], after.valuations[0]];
    expect(is.valuedMovements - was.valuedMovements).toBe(3);
    expect(Math.round((Number(is.value) - Number(was.value)) * 100)).toBe(600);
    // The reported value is every level's stock value, and every valued movement's value, summed.
    const totals = await sql<{ held: string; moved: string; counted: string }>`
      select (select coalesce(sum(stock_value), 0)::numeric(20, 2)::text from inventory.stock_levels) as held,
        (select coalesce(sum(value), 0)::numeric(20, 2)::text from inventory.stock_movements
          where kind in ('RECEIPT', 'ISSUE', 'ADJUSTMENT')) as moved,
        (select count(*)::text from inventory.stock_movements
          where kind in ('RECEIPT', 'ISSUE', 'ADJUSTMENT') and value <> 0) as counted`.execute(env.database.db);
    expect(is).toEqual({
      currency: "EUR",
      value: totals.rows[0]!.held,
      valuedMovements: Number(totals.rows[0]!.counted),
    });
    expect(totals.rows[0]!.moved).toBe(totals.rows[0]!.held);
    expect(after.discrepancies).toEqual([]);
  });

  it("lists a level whose stock value drifted from its movements' values, even when the quantities agree", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("2", { unitCost: "5.00" });
    await sql`update inventory.stock_levels set stock_value = stock_value + 0.01 where product_id = ${product.id}`.execute(
      env.database.db,
    );
    const { discrepancies } = await reportedValuation();
    expect(discrepancies).toEqual([{ onHand: "2", ledgerQuantity: "2" }]);
    const checks = await emitted("inventory.ledger.checked");
    expect(checks.at(-1).discrepancies).toEqual([
      { productId: product.id, warehouseId, onHand: "2", ledgerQuantity: "2" },
    ]);
    await sql`update inventory.stock_levels set stock_value = stock_value - 0.01 where product_id = ${product.id}`.execute(
      env.database.db,
    );
    expect((await reportedValuation()).discrepancies).toEqual([]);
  });
});
