import {
  type EventPayload,
  ProductDetailsUpdated,
  ProductDiscontinued,
  ProductRegistered,
  StockLow,
  SupplierPaymentRecorded,
  WarehouseOpened,
} from "@erp/contracts";
import {
  type ActionScope,
  Dec,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  type EventHandler,
} from "@erp/core";
import type { ProcurementDatabase } from "./db.js";

type Scope = ActionScope<ProcurementDatabase>;

/** Keeps procurement's view of an inventory product; an older event never overwrites a newer one. */
async function rememberProduct(event: DeliveredEvent<EventPayload<typeof ProductRegistered>>, scope: Scope) {
  const p = event.payload;
  const values = {
    sku: p.sku,
    name: p.name,
    type: p.type,
    status: p.status,
    quantity_precision: p.quantityPrecision,
    version: p.version,
  };
  await scope.trx
    .insertInto("procurement.known_products")
    .values({ product_id: p.productId, ...values })
    .onConflict((oc) =>
      oc.column("product_id").doUpdateSet(values).where("procurement.known_products.version", "<", p.version),
    )
    .execute();
}

async function rememberWarehouse(event: DeliveredEventOf<typeof WarehouseOpened>, scope: Scope) {
  const w = event.payload;
  await scope.trx
    .insertInto("procurement.known_warehouses")
    .values({ warehouse_id: w.warehouseId, code: w.code, name: w.name })
    .onConflict((oc) => oc.column("warehouse_id").doNothing())
    .execute();
}

/** The latest low-stock report per product and warehouse: what reorder drafting works from. */
async function rememberStockLow(event: DeliveredEventOf<typeof StockLow>, scope: Scope) {
  const s = event.payload;
  const values = {
    available: s.available,
    reorder_point: s.reorderPoint,
    reorder_quantity: s.reorderQuantity,
    reported_at: new Date(event.occurredAt),
  };
  await scope.trx
    .insertInto("procurement.stock_lows")
    .values({ product_id: s.productId, warehouse_id: s.warehouseId, ...values })
    .onConflict((oc) =>
      oc
        .columns(["product_id", "warehouse_id"])
        .doUpdateSet(values)
        .where("procurement.stock_lows.reported_at", "<=", values.reported_at),
    )
    .execute();
}

/**
 * Finance paid (part of) a bill: what it says is still outstanding decides the paid amount, so a
 * payment event redelivered or out of order never counts twice; nothing outstanding means PAID.
 */
async function recordBillPayment(event: DeliveredEventOf<typeof SupplierPaymentRecorded>, scope: Scope) {
  const p = event.payload;
  const bill = await scope.trx
    .selectFrom("procurement.supplier_bills")
    .select(["id", "total", "paid_amount", "status"])
    .where("id", "=", p.billId)
    .forUpdate()
    .executeTakeFirst();
  if (!bill) return;
  const paid = Dec.max(new Dec(bill.total).minus(p.billOutstanding.amount), bill.paid_amount);
  await scope.trx
    .updateTable("procurement.supplier_bills")
    .set({
      paid_amount: paid.toFixed(),
      status: paid.gte(bill.total) && bill.status === "MATCHED" ? "PAID" : bill.status,
    })
    .where("id", "=", bill.id)
    .execute();
  await scope.audit("SupplierBill", bill.id, { paymentId: p.supplierPaymentId, paid: paid.toFixed() });
}

const productEvents = [ProductRegistered, ProductDetailsUpdated, ProductDiscontinued];
const lastWord = (type: string) => type.split(".").at(-1);

/** Procurement learns products, warehouses, low stock and payments from other domains' events, never from their tables. */
export const procurementHandlers: EventHandler<ProcurementDatabase>[] = [
  ...productEvents.map((c) => defineHandler(c, `remember-product-${lastWord(c.type)}`, rememberProduct)),
  defineHandler(WarehouseOpened, "remember-warehouse", rememberWarehouse),
  defineHandler(StockLow, "remember-stock-low", rememberStockLow),
  defineHandler(SupplierPaymentRecorded, "record-bill-payment", recordBillPayment),
];
