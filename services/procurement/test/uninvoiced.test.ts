import { systemClock } from "@erp/core";
import { newKey, person, testDatabaseKind } from "@erp/testing";
import type { Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { ProcurementDatabase } from "../src/db.js";
import { scheduledUninvoicedReport, uninvoicedReceipts } from "../src/uninvoiced.js";
import { useProcurement } from "./harness.js";

const env = useProcurement();
const db = () => env.database.db as Kysely<ProcurementDatabase>;

describe(`goods received not invoiced on ${testDatabaseKind()}`, () => {
  it("reports per currency the received value not yet on a matched bill, with receipt line and matched bill counts", async () => {
    expect(await uninvoicedReceipts(db())).toEqual([]);
    const { order, supplierId } = await env.approvedOrder("10", "1.235");
    const line = order.lines[0].id;
    await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "3" }]); // 3.705 → 3.70
    await env.receive(order.id, [{ purchaseOrderLineId: line, quantity: "7" }]); // 8.645 → 8.64
    expect(await uninvoicedReceipts(db())).toEqual([
      { currency: "EUR", uninvoicedValue: "12.34", receiptLines: 2, matchedBills: 0 },
    ]);
    await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "U-1",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: line, quantity: "4", unitPrice: "1.235" }], // received value 4.94
    });
    await env.bill({
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "U-2",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: line, quantity: "6", unitPrice: "9.99" }], // on hold: not counted
    });
    expect(await uninvoicedReceipts(db())).toEqual([
      { currency: "EUR", uninvoicedValue: "7.40", receiptLines: 2, matchedBills: 1 },
    ]);
  });

  it("publishes the position from its hourly job, once per hour however often it runs", async () => {
    await scheduledUninvoicedReport(db(), systemClock);
    await scheduledUninvoicedReport(db(), systemClock);
    const reports = await env.outbox("procurement.uninvoiced_receipts.reported");
    expect(reports).toHaveLength(1);
    expect(reports[0]?.payload.positions).toEqual([
      { currency: "EUR", uninvoicedValue: "7.40", receiptLines: 2, matchedBills: 1 },
    ]);
  });

  it("shows the position to readers and sends it on request, refusing a caller without procurement:write", async () => {
    const position = [{ uninvoicedValue: { amount: "7.40", currency: "EUR" }, receiptLines: 2, matchedBills: 1 }];
    const read = await env
      .as(person("reader@erp.local", ["procurement:read"]))
      .request("{ uninvoicedReceipts { uninvoicedValue { amount currency } receiptLines matchedBills } }");
    expect(read.data.uninvoicedReceipts).toEqual(position);
    const report = `mutation($k: String!) { reportUninvoicedReceipts(input: { idempotencyKey: $k }) {
      reportedAt positions { uninvoicedValue { amount currency } receiptLines matchedBills } errors { code } } }`;
    const before = (await env.outbox("procurement.uninvoiced_receipts.reported")).length;
    const denied = await env.as(person("reader@erp.local", ["procurement:read"])).request(report, { k: newKey() });
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const key = newKey();
    const sent = await env.client.request(report, { k: key });
    expect(sent.data.reportUninvoicedReceipts).toMatchObject({ positions: position, errors: [] });
    await env.client.request(report, { k: key }); // a retry with the same key sends nothing more
    const reports = await env.outbox("procurement.uninvoiced_receipts.reported");
    expect(reports).toHaveLength(before + 1);
    expect(reports.at(-1)?.payload.positions).toEqual([
      { currency: "EUR", uninvoicedValue: "7.40", receiptLines: 2, matchedBills: 1 },
    ]);
  });
});
