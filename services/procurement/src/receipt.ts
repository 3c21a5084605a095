import { GoodsReceived } from "@erp/contracts";
import {
  type ActionScope,
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  checkLineQuantity,
  currencyScale,
  Dec,
  fields,
  type Money,
  money,
  nextDocumentNumber,
  parseInput,
} from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { documentDateWindow, procurementSettings } from "./config.js";
import type { GoodsReceiptLinesTable, GoodsReceiptsTable, ProcurementDatabase } from "./db.js";
import { notFound, ProcurementErrorCode, refuse } from "./errors.js";
import { lockOrder, moveOrder, orderLines, type PurchaseOrder, toPurchaseOrder } from "./purchase-order.js";

export interface GoodsReceipt {
  id: string;
  number: string;
  purchaseOrderId: string;
  warehouseId: string;
  currency: string;
  receivedOn: string;
  receivedBy: string;
  cursorPosition: string;
}

export const toGoodsReceipt = (row: Selectable<GoodsReceiptsTable>): GoodsReceipt => ({
  id: row.id,
  number: row.number,
  purchaseOrderId: row.purchase_order_id,
  warehouseId: row.warehouse_id,
  currency: row.currency.trim(),
  receivedOn: row.received_on,
  receivedBy: row.received_by,
  cursorPosition: row.seq,
});

export interface GoodsReceiptLine {
  id: string;
  receiptId: string;
  purchaseOrderLineId: string;
  productId: string;
  quantity: string;
  unitCost: Money;
  value: Money;
}

export const toGoodsReceiptLine = (row: Selectable<GoodsReceiptLinesTable>, currency: string): GoodsReceiptLine => ({
  id: row.id,
  receiptId: row.receipt_id,
  purchaseOrderLineId: row.purchase_order_line_id,
  productId: row.product_id,
  quantity: new Dec(row.quantity).toFixed(),
  unitCost: money(row.unit_cost, currency),
  value: money(row.value, currency),
});

const receiveSchema = z.object({
  purchaseOrderId: fields.id("purchaseOrderId"),
  warehouseId: fields.id("warehouseId"),
  lines: z
    .array(z.object({ purchaseOrderLineId: z.string(), quantity: z.string() }))
    .min(1, "Give 1 to 100 lines")
    .max(100, "Give 1 to 100 lines"),
  receivedOn: fields.dateWithin("Received on", documentDateWindow).nullish(),
});

/**
 * Records goods that arrived: each line at most ordered − received + the receipt tolerance.
 * GoodsReceived tells inventory to put them into stock at the PO price; the order becomes
 * PARTIALLY_RECEIVED or, once every line is in, RECEIVED.
 */
export async function receiveGoods(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof receiveSchema>,
): Promise<{ goodsReceipt: GoodsReceipt; purchaseOrder: PurchaseOrder }> {
  const data = parseInput(receiveSchema, input);
  const order = await lockOrder(scope.trx, data.purchaseOrderId);
  if (order.status !== "APPROVED" && order.status !== "PARTIALLY_RECEIVED")
    refuse(
      ProcurementErrorCode.INVALID_STATE_TRANSITION,
      `Goods can be received only against an APPROVED or PARTIALLY_RECEIVED order; this one is ${order.status}`,
    );
  const warehouse = await scope.trx
    .selectFrom("procurement.known_warehouses")
    .select("warehouse_id")
    .where("warehouse_id", "=", data.warehouseId)
    .executeTakeFirst();
  if (!warehouse) notFound(ProcurementErrorCode.WAREHOUSE_NOT_FOUND, "The warehouse", "warehouseId");
  const lines = await orderLines(scope.trx, order.id);
  const currency = order.currency.trim();
  const received = await checkReceiptLines(scope.trx, lines, data.lines);
  const receipt = await scope.trx
    .insertInto("procurement.goods_receipts")
    .values({
      number: await nextDocumentNumber(scope.trx, "procurement.goods_receipt_number_seq", "GR"),
      purchase_order_id: order.id,
      supplier_id: order.supplier_id,
      warehouse_id: data.warehouseId,
      currency,
      received_on: data.receivedOn ?? scope.today(),
      received_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const scale = currencyScale(currency);
  const receiptLines = await scope.trx
    .insertInto("procurement.goods_receipt_lines")
    .values(
      received.map(({ line, quantity }) => ({
        receipt_id: receipt.id,
        purchase_order_line_id: line.id,
        product_id: line.product_id,
        quantity: quantity.toFixed(),
        unit_cost: line.unit_price,
        value: quantity.times(line.unit_price).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN).toFixed(),
      })),
    )
    .returningAll()
    .execute();
  for (const { line, quantity } of received)
    await scope.trx
      .updateTable("procurement.purchase_order_lines")
      .set((eb) => ({ received_quantity: eb("received_quantity", "+", quantity.toFixed()) }))
      .where("id", "=", line.id)
      .execute();
  // Stock is no longer low where it was just received; the next StockLow says otherwise.
  await scope.trx
    .deleteFrom("procurement.stock_lows")
    .where("warehouse_id", "=", data.warehouseId)
    .where(
      "product_id",
      "in",
      received.map((r) => r.line.product_id),
    )
    .execute();
  const complete = lines.every((l) => {
    const now = received.filter((r) => r.line.id === l.id).reduce((s, r) => s.plus(r.quantity), new Dec(0));
    return now.plus(l.received_quantity).gte(l.quantity);
  });
  const moved = await moveOrder(scope, order, complete ? "RECEIVED" : "PARTIALLY_RECEIVED");
  const goodsReceipt = toGoodsReceipt(receipt);
  await scope.audit("GoodsReceipt", receipt.id, { number: receipt.number, lines: receiptLines.length });
  await scope.emit(GoodsReceived, receipt.id, {
    receiptId: receipt.id,
    number: receipt.number,
    purchaseOrderId: order.id,
    supplierId: order.supplier_id,
    warehouseId: receipt.warehouse_id,
    receivedOn: receipt.received_on,
    lines: receiptLines.map((l) => ({
      receiptLineId: l.id,
      purchaseOrderLineId: l.purchase_order_line_id,
      productId: l.product_id,
      quantity: new Dec(l.quantity).toFixed(),
      unitCost: { amount: new Dec(l.unit_cost).toFixed(), currency },
    })),
  });
  return { goodsReceipt, purchaseOrder: toPurchaseOrder(moved) };
}

type OrderLineRow = Awaited<ReturnType<typeof orderLines>>[number];

/** Each receipt line against a line of the order, within ordered − received + tolerance; lists every bad line. */
async function checkReceiptLines(
  trx: ActionScope<ProcurementDatabase>["trx"],
  lines: OrderLineRow[],
  requested: { purchaseOrderLineId: string; quantity: string }[],
) {
  const tolerance = new Dec(procurementSettings().receiptTolerancePercent);
  const precision = new Map(
    (
      await trx
        .selectFrom("procurement.known_products")
        .select(["product_id", "quantity_precision"])
        .where(
          "product_id",
          "in",
          lines.map((l) => l.product_id),
        )
        .execute()
    ).map((p) => [p.product_id, p.quantity_precision]),
  );
  const errors: BusinessError[] = [];
  const pending = new Map<string, Dec>();
  const result = requested.flatMap((r, i) => {
    const at = (f: string) => `lines.${i}.${f}`;
    const line = lines.find((l) => l.id === r.purchaseOrderLineId);
    if (!line) {
      errors.push(
        businessError(
          ProcurementErrorCode.PURCHASE_ORDER_LINE_NOT_FOUND,
          "The purchase order has no such line",
          at("purchaseOrderLineId"),
        ),
      );
      return [];
    }
    const quantity = checkLineQuantity(r.quantity, precision.get(line.product_id) ?? 6, at("quantity"), errors);
    const before = pending.get(line.id) ?? new Dec(line.received_quantity);
    const limit = new Dec(line.quantity).times(tolerance.plus(100)).div(100);
    if (quantity.gt(0) && before.plus(quantity).gt(limit))
      errors.push(
        businessError(
          ProcurementErrorCode.OVER_RECEIPT,
          `Line ${line.line_number} (${line.sku}): ${before.plus(quantity).toFixed()} would exceed the ${new Dec(line.quantity).toFixed()} ordered plus ${tolerance.toFixed()} % tolerance`,
          at("quantity"),
        ),
      );
    pending.set(line.id, before.plus(quantity));
    return [{ line, quantity }];
  });
  if (errors.length) throw new BusinessRuleViolation(errors);
  return result;
}
