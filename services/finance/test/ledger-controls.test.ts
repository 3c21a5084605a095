import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";
import {
  balances,
  billMatched,
  eur,
  stockAdjusted,
  stockIssued,
  stockReceived,
  supplierRegistered,
} from "./ledger-helpers.js";

const env = useFinance();
const supplierId = randomUUID();
let billId: string;
let paymentId: string;

/** Drift behind the application's back: triggers and constraints off, as a stray script would. */
async function tamper(statements: string[]) {
  await env.database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const s of statements) await sql.raw(s).execute(trx);
  });
}

const RUN = `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { run { outcome discrepancies opened resolved } errors { code } } }`;
const run = async () => (await env.client.request(RUN, { i: { idempotencyKey: newKey() } })).data.runReconciliation.run;
const openAlerts = async () =>
  (await env.client.request(`{ reconciliationAlerts(status: OPEN) { kind expected found documents { type id } } }`))
    .data.reconciliationAlerts;

let reportedAt = Date.now() - 60_000;
/** Inventory's valuation and procurement's uninvoiced receipts, each newer than the last. */
async function report(valuation: [string, number], uninvoiced: [string, number, number]) {
  reportedAt += 1000;
  const at = new Date(reportedAt).toISOString();
  await env.deliver("inventory.valuation.reported", {
    reportedAt: at,
    valuations: [{ currency: "EUR", value: valuation[0], valuedMovements: valuation[1] }],
  });
  await env.deliver("procurement.uninvoiced_receipts.reported", {
    reportedAt: at,
    positions: [
      { currency: "EUR", uninvoicedValue: uninvoiced[0], receiptLines: uninvoiced[1], matchedBills: uninvoiced[2] },
    ],
  });
}
const reportTheTruth = () => report(["1160.00", 5], ["200.00", 2, 1]);

beforeAll(async () => {
  await env.deliver("procurement.supplier.registered", supplierRegistered("Controls Ltd", 1, supplierId));
  await env.deliver("inventory.stock.received", stockReceived("1000.00", { type: "GoodsReceipt", id: randomUUID() }));
  await env.deliver("inventory.stock.received", stockReceived("200.00", { type: "GoodsReceipt", id: randomUUID() }));
  await env.deliver("inventory.stock.received", stockReceived("50.00", null));
  await env.deliver("inventory.stock.issued", stockIssued("100.00"));
  await env.deliver("inventory.stock.adjusted", stockAdjusted("1", "10.00"));
  const bill = billMatched(supplierId, { total: "1000.00", receivedValue: "1000.00" });
  billId = bill.billId;
  await env.deliver("procurement.supplier_bill.matched", bill);
  const { data } = await env.client.request(
    `mutation($i: PaySupplierBillInput!) { paySupplierBill(input: $i) { payment { id } errors { code } } }`,
    { i: { idempotencyKey: newKey(), billId, amount: eur("300.00"), reference: "BANK-C1" } },
  );
  paymentId = data.paySupplierBill.payment.id;
  await reportTheTruth();
});

/** A balanced two-line entry written straight into the journal, and the statements that take it out again. */
function strayEntry(debit: string, credit: string, source: { type: string; id: string } | null = null) {
  const id = randomUUID();
  const line = (code: string, side: "debit" | "credit") =>
    `insert into finance.journal_lines (entry_id, account_id, currency, debit, credit) select '${id}', id, 'EUR', ${side === "debit" ? 5 : 0}, ${side === "credit" ? 5 : 0} from finance.accounts where code = '${code}'`;
  return {
    inject: [
      `insert into finance.journal_entries (id, number, entry_date, description, posted_by, source_type, source_id) values ('${id}', 'JE-STRAY-${id.slice(0, 8)}', current_date, 'stray', 'script', ${source ? `'${source.type}', '${source.id}'` : "null, null"})`,
      line(debit, "debit"),
      line(credit, "credit"),
    ],
    undo: [
      `delete from finance.journal_lines where entry_id = '${id}'`,
      `delete from finance.journal_entries where id = '${id}'`,
    ],
  };
}

describe(`controls of payables and the perpetual inventory on ${testDatabaseKind()}`, () => {
  it("finds the books in agreement with inventory's valuation, procurement's uninvoiced receipts and the open bills", async () => {
    expect(await balances(env)).toMatchObject({ "1200": "1160.00", "2050": "-200.00", "2000": "-700.00" });
    expect(await run()).toMatchObject({ outcome: "OK", discrepancies: 0 });
  });

  it("compares no report until finance has posted what it counts, and keeps the newest report", async () => {
    // Inventory counts a sixth movement whose event has not arrived; procurement a second bill.
    await report(["1175.00", 6], ["0.00", 2, 2]);
    expect(await run()).toMatchObject({ outcome: "OK", discrepancies: 0 });
    await reportTheTruth();
    // A late, older report with other figures replaces nothing.
    await env.deliver("inventory.valuation.reported", {
      reportedAt: new Date(reportedAt - 30_000).toISOString(),
      valuations: [{ currency: "EUR", value: "1.00", valuedMovements: 5 }],
    });
    expect(await run()).toMatchObject({ outcome: "OK", discrepancies: 0 });
  });

  const stray = {
    inventory: strayEntry("1200", "3000"),
    grni: strayEntry("2050", "3000"),
    payable: strayEntry("3000", "2000"),
    orphanMovement: strayEntry("1200", "5200", { type: "StockMovement", id: "00000000-0000-4000-8000-0000000000c1" }),
  };
  const drifts: [string, () => string[], () => string[], string[]][] = [
    [
      "a stray posting to inventory",
      () => stray.inventory.inject,
      () => stray.inventory.undo,
      ["INVENTORY_VALUATION_MISMATCH"],
    ],
    [
      "a stray posting to goods received not invoiced",
      () => stray.grni.inject,
      () => stray.grni.undo,
      ["GRNI_CONTROL_MISMATCH"],
    ],
    [
      "a stray posting to accounts payable",
      () => stray.payable.inject,
      () => stray.payable.undo,
      ["PAYABLE_CONTROL_MISMATCH"],
    ],
    [
      "a posted movement without its journal entry",
      () => [
        "insert into finance.stock_postings (movement_id, kind, currency, value) values ('00000000-0000-4000-8000-0000000000c2', 'RECEIPT', 'EUR', 5)",
      ],
      () => ["delete from finance.stock_postings where movement_id = '00000000-0000-4000-8000-0000000000c2'"],
      ["STOCK_MOVEMENT_JOURNAL_MISMATCH"],
    ],
    [
      "a stock movement entry finance holds no movement for",
      () => stray.orphanMovement.inject,
      () => stray.orphanMovement.undo,
      ["STOCK_MOVEMENT_JOURNAL_MISMATCH", "INVENTORY_VALUATION_MISMATCH"],
    ],
    [
      "a matched bill whose journal entry vanished",
      () => [
        `create table finance.kept_entry as select * from finance.journal_entries where source_id = '${billId}'`,
        "create table finance.kept_lines as select * from finance.journal_lines where entry_id in (select id from finance.kept_entry)",
        "delete from finance.journal_lines where entry_id in (select id from finance.kept_entry)",
        "delete from finance.journal_entries where id in (select id from finance.kept_entry)",
      ],
      () => [
        "insert into finance.journal_entries overriding system value select * from finance.kept_entry",
        "insert into finance.journal_lines overriding system value select * from finance.kept_lines",
        "drop table finance.kept_lines",
        "drop table finance.kept_entry",
      ],
      ["SUPPLIER_BILL_JOURNAL_MISMATCH", "PAYABLE_CONTROL_MISMATCH", "GRNI_CONTROL_MISMATCH"],
    ],
    [
      "a supplier payment altered after posting",
      () => [`update finance.supplier_payments set amount = 301 where id = '${paymentId}'`],
      () => [`update finance.supplier_payments set amount = 300 where id = '${paymentId}'`],
      ["SUPPLIER_BILL_PAID_MISMATCH", "SUPPLIER_PAYMENT_JOURNAL_MISMATCH"],
    ],
    [
      "a bill's amount paid altered behind its payments",
      () => [`update finance.supplier_bills set amount_paid = 310 where id = '${billId}'`],
      () => [`update finance.supplier_bills set amount_paid = 300 where id = '${billId}'`],
      ["SUPPLIER_BILL_PAID_MISMATCH", "PAYABLE_CONTROL_MISMATCH"],
    ],
  ];

  it.each(drifts)(
    "raises its own alert kind for %s, and resolves it when the drift is undone",
    async (_, inject, undo, kinds) => {
      await tamper(inject());
      expect((await run()).outcome).toBe("NOT_OK");
      expect((await openAlerts()).map((a: any) => a.kind).sort()).toEqual([...kinds].sort());
      await tamper(undo());
      expect(await run()).toMatchObject({ outcome: "OK", resolved: kinds.length });
      expect(await openAlerts()).toEqual([]);
    },
  );

  it("states the expected and found figures of a control", async () => {
    await tamper(stray.inventory.inject);
    await run();
    expect(await openAlerts()).toEqual([
      {
        kind: "INVENTORY_VALUATION_MISMATCH",
        expected: "1160",
        found: "1165",
        documents: [{ type: "Account", id: "1200" }],
      },
    ]);
    await tamper(stray.inventory.undo);
    expect((await run()).outcome).toBe("OK");
  });
});
