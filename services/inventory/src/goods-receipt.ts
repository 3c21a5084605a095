import { GoodsReceived } from "@erp/contracts";
import { type ActionScope, BusinessRuleViolation, type DeliveredEventOf, defineHandler, sql } from "@erp/core";
import type { InventoryDatabase } from "./db.js";
import { receiveStock } from "./stock.js";

type Scope = ActionScope<InventoryDatabase>;

export const GOODS_RECEIPT = "GoodsReceipt";

/**
 * A goods receipt that inventory cannot take in: an unknown warehouse or product, a product not
 * stocked, a quantity finer than its unit, or a cost in another currency than stock is valued in.
 * Procurement refuses such lines before they are received, so this is a fault between the
 * domains, not a business answer: the handler throws it, nothing of the receipt is stocked
 * (the whole receipt or none), and the bus retries then dead-letters the delivery with this
 * message, for an operator to see and send again once the cause is fixed.
 */
export class UnreceivableGoods extends Error {
  constructor(receipt: { number: string; receiptId: string }, lineId: string, violation: BusinessRuleViolation) {
    const reasons = violation.errors.map((e) => `${e.code}: ${e.message}`).join("; ");
    super(`Goods receipt ${receipt.number} (${receipt.receiptId}) line ${lineId} cannot be stocked: ${reasons}`);
    this.name = "UnreceivableGoods";
  }
}

/** Whether some movement already answers to this receipt: it was stocked by an earlier event. */
async function alreadyReceived(scope: Scope, receiptId: string): Promise<boolean> {
  const row = await scope.trx
    .selectFrom("inventory.stock_movements")
    .select("id")
    .where("source_type", "=", GOODS_RECEIPT)
    .where("source_id", "=", receiptId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Stocks each line of a goods receipt as a RECEIPT movement at the PO price, through
 * receiveStock (the moving average updates; each emits StockReceived with the receipt as
 * source). Idempotent twice over: the kernel's inbox ignores a redelivered event, and a second
 * event for the same receipt finds its movements and adds nothing (a lock per receipt makes
 * two such events wait for each other rather than both stocking it).
 */
async function stockGoodsReceipt(event: DeliveredEventOf<typeof GoodsReceived>, scope: Scope): Promise<void> {
  const receipt = event.payload;
  await sql`select pg_advisory_xact_lock(hashtext(${`inventory.goods-receipt:${receipt.receiptId}`}))`.execute(
    scope.trx,
  );
  if (await alreadyReceived(scope, receipt.receiptId)) {
    await scope.audit("GoodsReceipt", receipt.receiptId, { duplicate: true, eventId: event.id });
    return;
  }
  // In the global (product) order that stock levels are locked in, so receipts cannot deadlock.
  const lines = [...receipt.lines].sort((a, b) => a.productId.localeCompare(b.productId));
  for (const line of lines) {
    try {
      await receiveStock(scope, {
        productId: line.productId,
        warehouseId: receipt.warehouseId,
        quantity: line.quantity,
        unitCost: line.unitCost,
        source: { type: GOODS_RECEIPT, id: receipt.receiptId },
      });
    } catch (error) {
      if (error instanceof BusinessRuleViolation) throw new UnreceivableGoods(receipt, line.receiptLineId, error);
      throw error;
    }
  }
}

export const goodsReceiptHandlers = [defineHandler(GoodsReceived, "stock-goods-receipt", stockGoodsReceipt)];
