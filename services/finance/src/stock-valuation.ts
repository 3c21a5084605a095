import { StockAdjusted, StockIssued, StockReceived } from "@erp/contracts";
import { type ActionScope, Dec, type DeliveredEventOf, defineHandler, type EventHandler } from "@erp/core";
import type { FinanceDatabase } from "./db.js";
import { postEntry } from "./journal.js";
import type { StockPostingsTable } from "./ledger-tables.js";

type Scope = ActionScope<FinanceDatabase>;

/** Accounts of the perpetual inventory: stock, and what each kind of movement is posted against. */
const INVENTORY = "1200";
const GOODS_RECEIVED_NOT_INVOICED = "2050";
const COST_OF_GOODS_SOLD = "5000";
const STOCK_ADJUSTMENTS = "5200";

interface ValuedMovement {
  movementId: string;
  kind: StockPostingsTable["kind"];
  source: { type: string; id: string } | null;
  /** Signed as stock moves: positive into stock, negative out of it. */
  value: InstanceType<typeof Dec>;
  currency: string;
  /** The account the inventory account is posted against. */
  against: string;
  description: string;
}

/**
 * Posts one valued movement once: the movement id is claimed in stock_postings first, so a
 * redelivered or duplicated event (another event id, same movement) posts nothing. A movement
 * of zero value posts nothing and is not counted (inventory does not count it either).
 */
async function postMovement(scope: Scope, m: ValuedMovement): Promise<void> {
  if (m.value.isZero()) return;
  const claimed = await scope.trx
    .insertInto("finance.stock_postings")
    .values({
      movement_id: m.movementId,
      kind: m.kind,
      source_type: m.source?.type ?? null,
      source_id: m.source?.id ?? null,
      currency: m.currency,
      value: m.value.toFixed(),
    })
    .onConflict((oc) => oc.column("movement_id").doNothing())
    .returning("movement_id")
    .executeTakeFirst();
  if (!claimed) return;
  const amount = m.value.abs();
  const into = m.value.isPositive();
  const entry = await postEntry(scope, {
    description: m.description,
    source: { type: "StockMovement", id: m.movementId },
    postings: [
      { account: { code: INVENTORY }, currency: m.currency, ...(into ? { debit: amount } : { credit: amount }) },
      { account: { code: m.against }, currency: m.currency, ...(into ? { credit: amount } : { debit: amount }) },
    ],
  });
  await scope.trx
    .updateTable("finance.stock_postings")
    .set({ journal_entry_id: entry.id })
    .where("movement_id", "=", m.movementId)
    .execute();
}

/** A goods receipt is owed to the supplier until billed (GRNI); other receipts (manual, seed) are stock gains. */
async function postReceipt(event: DeliveredEventOf<typeof StockReceived>, scope: Scope) {
  const r = event.payload;
  const fromSupplier = r.source?.type === "GoodsReceipt";
  await postMovement(scope, {
    movementId: r.movementId,
    kind: "RECEIPT",
    source: r.source,
    value: new Dec(r.value.amount).abs(),
    currency: r.value.currency,
    against: fromSupplier ? GOODS_RECEIVED_NOT_INVOICED : STOCK_ADJUSTMENTS,
    description: fromSupplier
      ? `Stock received on goods receipt ${r.source?.id}: ${r.quantity} at ${r.unitCost.amount} ${r.unitCost.currency}`
      : `Stock received without a purchase: ${r.quantity} at ${r.unitCost.amount} ${r.unitCost.currency}`,
  });
}

/** Issued stock (a shipment) leaves inventory at its moving-average value, as cost of goods sold. */
async function postIssue(event: DeliveredEventOf<typeof StockIssued>, scope: Scope) {
  const i = event.payload;
  await postMovement(scope, {
    movementId: i.movementId,
    kind: "ISSUE",
    source: i.source ?? i.reference,
    value: new Dec(i.value.amount).abs().negated(),
    currency: i.value.currency,
    against: COST_OF_GOODS_SOLD,
    description: `Cost of ${i.quantity} issued for ${i.reference.type} ${i.reference.id}`,
  });
}

/**
 * A count gain raises stock against stock adjustments (income); a loss the reverse. The direction
 * is the quantity's sign: inventory's adjustment value is its magnitude (quantity × average cost).
 */
async function postAdjustment(event: DeliveredEventOf<typeof StockAdjusted>, scope: Scope) {
  const a = event.payload;
  const magnitude = new Dec(a.value.amount).abs();
  await postMovement(scope, {
    movementId: a.movementId,
    kind: "ADJUSTMENT",
    source: { type: "StockAdjustment", id: a.adjustmentId },
    value: new Dec(a.quantity).isNegative() ? magnitude.negated() : magnitude,
    currency: a.value.currency,
    against: STOCK_ADJUSTMENTS,
    description: `Stock adjustment (${a.reasonCode}) of ${a.quantity}`,
  });
}

/** Every valued stock movement inventory reports posts to the ledger: the perpetual inventory. */
export const stockValuationHandlers: EventHandler<FinanceDatabase>[] = [
  defineHandler(StockReceived, "post-stock-received", postReceipt),
  defineHandler(StockIssued, "post-stock-issued", postIssue),
  defineHandler(StockAdjusted, "post-stock-adjusted", postAdjustment),
];
