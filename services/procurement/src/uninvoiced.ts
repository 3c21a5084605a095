import { UninvoicedReceiptsReported } from "@erp/contracts";
import { type ActionScope, type Clock, Dec, money, runScheduledAction } from "@erp/core";
import type { Kysely } from "kysely";
import type { ProcurementDatabase } from "./db.js";

export interface UninvoicedPosition {
  currency: string;
  uninvoicedValue: string;
  receiptLines: number;
  matchedBills: number;
}

/**
 * Per currency, goods received and not yet invoiced: the exact values of every receipt line
 * (what finance credits to GRNI on each receipt) less the received value of every matched bill
 * (what it debits when the bill matches), so it equals finance's GRNI balance to the cent, plus
 * the counts finance compares to know it has caught up.
 */
export async function uninvoicedReceipts(db: Kysely<ProcurementDatabase>): Promise<UninvoicedPosition[]> {
  const received = await db
    .selectFrom("procurement.goods_receipt_lines as l")
    .innerJoin("procurement.goods_receipts as r", "r.id", "l.receipt_id")
    .select(["r.currency", (eb) => eb.fn.sum<string>("l.value").as("value"), (eb) => eb.fn.countAll<string>().as("n")])
    .groupBy("r.currency")
    .execute();
  const billed = await db
    .selectFrom("procurement.supplier_bills")
    .select([
      "currency",
      (eb) => eb.fn.sum<string>("received_value").as("value"),
      (eb) => eb.fn.countAll<string>().as("n"),
    ])
    .where("status", "in", ["MATCHED", "PAID"])
    .groupBy("currency")
    .execute();
  const currencies = [...new Set([...received, ...billed].map((r) => r.currency.trim()))].sort();
  return currencies.map((currency) => {
    const r = received.find((x) => x.currency.trim() === currency);
    const b = billed.find((x) => x.currency.trim() === currency);
    return {
      currency,
      uninvoicedValue: money(new Dec(r?.value ?? 0).minus(b?.value ?? 0), currency).amount,
      receiptLines: Number(r?.n ?? 0),
      matchedBills: Number(b?.n ?? 0),
    };
  });
}

/** Publishes the position for finance's reconciliation of the GRNI account. */
export async function reportUninvoicedReceipts(scope: ActionScope<ProcurementDatabase>) {
  const positions = await uninvoicedReceipts(scope.trx);
  const reportedAt = scope.now().toISOString();
  await scope.emit(UninvoicedReceiptsReported, "uninvoiced-receipts", { reportedAt, positions });
  return { reportedAt, positions };
}

/** The hourly job: the same report as the system, once per hour slot. */
export async function scheduledUninvoicedReport(db: Kysely<ProcurementDatabase>, clock: Clock): Promise<void> {
  const key = `uninvoiced-receipts-${clock.now().toISOString().slice(0, 13)}`;
  await runScheduledAction(
    db,
    "procurement",
    "reportUninvoicedReceipts",
    key,
    (s) => reportUninvoicedReceipts(s),
    clock,
  );
}
