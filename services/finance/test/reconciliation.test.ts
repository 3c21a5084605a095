import { randomUUID } from "node:crypto";
import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { RECONCILIATION_CHECKS } from "../src/reconciliation-checks.js";
import { useFinance } from "./harness.js";

const env = useFinance();
let customerId: string;
let invoiceId: string;
let paymentId: string;

/** Drift behind the application's back: triggers and constraints off, as a stray script would. */
async function tamper(statements: string[]) {
  await env.database.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    for (const s of statements) await sql.raw(s).execute(trx);
  });
}

const RUN = `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { run { outcome discrepancies opened resolved checks durationMs } errors { code } } }`;
const run = async () => (await env.client.request(RUN, { i: { idempotencyKey: newKey() } })).data.runReconciliation.run;
const alerts = async (status?: string) =>
  (
    await env.client.request(
      `query($s: ReconciliationAlertStatus) { reconciliationAlerts(status: $s) { id kind status fingerprint expected found documents { type id } resolvedBy } }`,
      { s: status ?? null },
    )
  ).data.reconciliationAlerts;

beforeAll(async () => {
  customerId = randomUUID();
  await env.deliver("crm.customer.registered", {
    customerId,
    code: "C-1",
    name: "Audit GmbH",
    status: "ACTIVE",
    version: 1,
  });
  const shipmentId = randomUUID();
  await env.deliver("sales.shipment.dispatched", {
    shipmentId,
    number: "SH-9",
    orderId: randomUUID(),
    orderNumber: "SO-9",
    customerId,
    warehouseId: randomUUID(),
    currency: "EUR",
    lines: [
      {
        orderLineId: randomUUID(),
        reservationId: null,
        discountPercent: "0",
        taxRate: "0",
        productId: randomUUID(),
        sku: "X",
        quantity: "2",
        unitPrice: "50.00",
        netAmount: "100.00",
        taxAmount: "19.00",
      },
    ],
  });
  invoiceId = (
    await sql<{ id: string }>`select id from finance.invoices where shipment_id = ${shipmentId}`.execute(
      env.database.db,
    )
  ).rows[0]!.id;
  const paid = await env.client.request(
    `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        customerId,
        amount: { amount: "50.00", currency: "EUR" },
        method: "BANK_TRANSFER",
        externalReference: "REF-1",
      },
    },
  );
  paymentId = paid.data.recordPayment.payment.id;
});

describe(`reconciliation on ${testDatabaseKind()}`, () => {
  it("finds nothing in consistent books and records an OK run", async () => {
    expect(await run()).toMatchObject({
      outcome: "OK",
      discrepancies: 0,
      opened: 0,
      checks: RECONCILIATION_CHECKS.length,
    });
    expect(await alerts()).toEqual([]);
  });

  const drifts: [string, string[], string[], string[]][] = [
    [
      "a tampered allocation",
      ["update finance.allocations set amount = 40 where payment_id = '$P'"],
      ["update finance.allocations set amount = 50 where payment_id = '$P'"],
      ["INVOICE_PAID_MISMATCH"],
    ],
    [
      "a payment allocated beyond its amount",
      [
        "update finance.allocations set amount = 60 where payment_id = '$P'",
        "update finance.invoices set amount_paid = 60 where id = '$I'",
      ],
      [
        "update finance.allocations set amount = 50 where payment_id = '$P'",
        "update finance.invoices set amount_paid = 50 where id = '$I'",
      ],
      ["PAYMENT_OVER_ALLOCATED", "RECEIVABLE_CONTROL_MISMATCH"],
    ],
    [
      "a deleted journal line",
      [
        "create table finance.kept as select * from finance.journal_lines where entry_id = (select id from finance.journal_entries where source_id = '$I') and credit > 0 and currency = 'EUR' and credit = 19",
        "delete from finance.journal_lines where id in (select id from finance.kept)",
      ],
      [
        "insert into finance.journal_lines overriding system value select * from finance.kept",
        "drop table finance.kept",
      ],
      ["UNBALANCED_JOURNAL_ENTRY", "TRIAL_BALANCE_NOT_ZERO"],
    ],
    [
      "a duplicated payment reference behind the constraint's back",
      [
        "alter table finance.payments drop constraint payments_reference_key",
        "insert into finance.payments (id, customer_id, amount, currency, method, external_reference, received_on) values ('00000000-0000-4000-8000-0000000000aa', '$C', 50, 'EUR', 'CASH', 'REF-1', current_date)",
      ],
      [
        "delete from finance.payments where id = '00000000-0000-4000-8000-0000000000aa'",
        "alter table finance.payments add constraint payments_reference_key unique (customer_id, external_reference)",
      ],
      ["DUPLICATE_PAYMENT_REFERENCE", "PAYMENT_JOURNAL_MISMATCH"],
    ],
    [
      "a received shipment that produced no invoice",
      [
        "insert into finance.received_shipments (shipment_id, order_id, customer_id, currency, shipped_at) values ('00000000-0000-4000-8000-0000000000bb', '00000000-0000-4000-8000-0000000000bc', '$C', 'EUR', now())",
      ],
      ["delete from finance.received_shipments where shipment_id = '00000000-0000-4000-8000-0000000000bb'"],
      ["SHIPMENT_NOT_INVOICED"],
    ],
    [
      "a shipment invoice finance has no record of receiving",
      [
        "create table finance.kept_shipment as select * from finance.received_shipments",
        "delete from finance.received_shipments",
      ],
      [
        "insert into finance.received_shipments select * from finance.kept_shipment",
        "drop table finance.kept_shipment",
      ],
      ["INVOICE_WITHOUT_SHIPMENT"],
    ],
    [
      "an invoice whose journal entry vanished",
      [
        "create table finance.kept_entry as select * from finance.journal_entries where source_id = '$I'",
        "create table finance.kept_lines as select * from finance.journal_lines where entry_id in (select id from finance.kept_entry)",
        "delete from finance.journal_lines where entry_id in (select id from finance.kept_entry)",
        "delete from finance.journal_entries where id in (select id from finance.kept_entry)",
      ],
      [
        "insert into finance.journal_entries overriding system value select * from finance.kept_entry",
        "insert into finance.journal_lines overriding system value select * from finance.kept_lines",
        "drop table finance.kept_lines",
        "drop table finance.kept_entry",
      ],
      ["INVOICE_JOURNAL_MISMATCH", "RECEIVABLE_CONTROL_MISMATCH"],
    ],
  ];

  it.each(drifts)(
    "detects %s, never duplicates its alert, and resolves it when the drift is undone",
    async (_, inject, undo, kinds) => {
      const fill = (s: string) =>
        s.replaceAll("$P", paymentId).replaceAll("$I", invoiceId).replaceAll("$C", customerId);
      await tamper(inject.map(fill));
      const first = await run();
      expect(first.outcome).toBe("NOT_OK");
      const open = await alerts("OPEN");
      for (const kind of kinds) expect(open.map((a: any) => a.kind)).toContain(kind);
      const again = await run();
      expect(again.opened).toBe(0);
      expect((await alerts("OPEN")).length).toBe(open.length);
      await tamper(undo.map(fill));
      const clean = await run();
      expect(clean).toMatchObject({ outcome: "OK", resolved: open.length });
      expect(await alerts("OPEN")).toEqual([]);
      expect(
        (await alerts("RESOLVED"))
          .filter((a: any) => open.some((o: any) => o.id === a.id))
          .every((a: any) => a.resolvedBy === "reconciliation"),
      ).toBe(true);
    },
  );

  it("raises an alert for a shipment sales dispatched that finance never received (no invoice, no inbox row), and resolves it when the position agrees", async () => {
    const report = (shipments: number, at = new Date()) =>
      env.deliver("sales.shipments.reported", {
        reportedAt: at.toISOString(),
        positions: [{ currency: "EUR", shipments }],
      });
    // Sales shipped two by now; finance received one (beforeAll's, which happened before): the other's event
    // never arrived. The clean report that follows is a millisecond later, so it replaces this one.
    const at = new Date();
    await report(2, at);
    expect(await env.count("finance.inbox_events", "handler = 'invoice-shipment'")).toBe(1);
    expect((await run()).outcome).toBe("NOT_OK");
    expect((await alerts("OPEN")).map((a: any) => [a.kind, a.expected, a.found])).toEqual([
      ["SHIPMENTS_NOT_RECEIVED", "2 shipments", "1 shipments"],
    ]);
    await report(1, new Date(at.getTime() + 1));
    expect(await run()).toMatchObject({ outcome: "OK", resolved: 1 });
  });

  it("raises an alert from inventory's published ledger check, and resolves it when a clean report follows", async () => {
    const [productId, warehouseId] = [randomUUID(), randomUUID()];
    await env.deliver("inventory.ledger.checked", {
      checkedAt: new Date(Date.now() - 1000).toISOString(),
      discrepancies: [{ productId, warehouseId, onHand: "9", ledgerQuantity: "8" }],
    });
    expect((await run()).outcome).toBe("NOT_OK");
    expect((await alerts("OPEN")).map((a: any) => [a.kind, a.expected, a.found])).toEqual([
      ["INVENTORY_LEDGER_MISMATCH", "8", "9"],
    ]);
    await env.deliver("inventory.ledger.checked", { checkedAt: new Date().toISOString(), discrepancies: [] });
    expect(await run()).toMatchObject({ outcome: "OK", resolved: 1 });
  });

  it("lets an operator acknowledge then resolve an alert, in that order only", async () => {
    await tamper([`update finance.allocations set amount = 45 where payment_id = '${paymentId}'`]);
    await run();
    const [alert] = await alerts("OPEN");
    const act = (mutation: string) =>
      env.client.request(
        `mutation($i: ReconciliationAlertInput!) { ${mutation}(input: $i) { alert { status acknowledgedBy resolvedBy resolution } errors { code } } }`,
        {
          i: { idempotencyKey: newKey(), alertId: alert.id, note: "Corrected the allocation with finance ops" },
        },
      );
    expect((await act("acknowledgeReconciliationAlert")).data.acknowledgeReconciliationAlert.alert).toMatchObject({
      status: "ACKNOWLEDGED",
      acknowledgedBy: "tester@erp.local",
    });
    expect((await act("acknowledgeReconciliationAlert")).data.acknowledgeReconciliationAlert.errors[0].code).toBe(
      "INVALID_STATE_TRANSITION",
    );
    expect((await act("resolveReconciliationAlert")).data.resolveReconciliationAlert.alert).toMatchObject({
      status: "RESOLVED",
      resolution: "Corrected the allocation with finance ops",
    });
    await tamper([`update finance.allocations set amount = 50 where payment_id = '${paymentId}'`]);
    expect((await run()).outcome).toBe("OK");
  });
});
