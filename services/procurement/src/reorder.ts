import { type ActionScope, Dec } from "@erp/core";
import { procurementSettings } from "./config.js";
import type { ProcurementDatabase } from "./db.js";
import { priceOrderLines, validSupplierPrices } from "./products.js";
import { createOrder, OPEN_STATUSES, type PurchaseOrder } from "./purchase-order.js";

export interface ReorderSkip {
  productId: string;
  reason: string;
}

/** What each low product needs: the reorder quantity, or what brings it back to its reorder point, summed over warehouses. */
async function neededPerProduct(scope: ActionScope<ProcurementDatabase>) {
  const lows = await scope.trx.selectFrom("procurement.stock_lows").selectAll().orderBy("product_id").execute();
  const onOpenOrders = new Set(
    (
      await scope.trx
        .selectFrom("procurement.purchase_order_lines as l")
        .innerJoin("procurement.purchase_orders as o", "o.id", "l.purchase_order_id")
        .select("l.product_id")
        .distinct()
        .where("o.status", "in", OPEN_STATUSES)
        .execute()
    ).map((r) => r.product_id),
  );
  const needed = new Map<string, Dec>();
  for (const low of lows) {
    if (onOpenOrders.has(low.product_id)) continue;
    const want = low.reorder_quantity ? new Dec(low.reorder_quantity) : new Dec(low.reorder_point).minus(low.available);
    if (want.lte(0)) continue;
    needed.set(low.product_id, (needed.get(low.product_id) ?? new Dec(0)).plus(want));
  }
  return needed;
}

/**
 * Turns inventory's low-stock reports into DRAFT orders, one per preferred supplier, each line at
 * least the supplier's minimum quantity and at the supplier's price valid today. Products already
 * on an open order are left out, so a second run drafts nothing new for them.
 */
export async function draftPurchaseOrdersFromReorderPoints(
  scope: ActionScope<ProcurementDatabase>,
): Promise<{ purchaseOrders: PurchaseOrder[]; skipped: ReorderSkip[] }> {
  const needed = await neededPerProduct(scope);
  const ids = [...needed.keys()];
  if (!ids.length) return { purchaseOrders: [], skipped: [] };
  const currency = procurementSettings().stockCurrency;
  const candidates = await scope.trx
    .selectFrom("procurement.preferred_suppliers as p")
    .innerJoin("procurement.suppliers as s", "s.id", "p.supplier_id")
    .innerJoin("procurement.known_products as k", "k.product_id", "p.product_id")
    .select(["p.product_id", "p.supplier_id", "s.status", "s.name", "k.sku", "k.type", "k.quantity_precision"])
    .where("p.product_id", "in", ids)
    .execute();
  const skipped: ReorderSkip[] = [];
  const bySupplier = new Map<string, { productId: string; quantity: string; unitPrice: string; sku: string }[]>();
  for (const productId of ids) {
    const c = candidates.find((x) => x.product_id === productId);
    if (!c) {
      skipped.push({ productId, reason: "No preferred supplier" });
      continue;
    }
    if (c.status === "BLOCKED") {
      skipped.push({ productId, reason: `The preferred supplier ${c.name} is blocked` });
      continue;
    }
    const price = (await validSupplierPrices(scope.trx, c.supplier_id, [productId], currency, scope.today())).get(
      productId,
    );
    if (!price) {
      skipped.push({ productId, reason: `${c.name} has no ${currency} price for ${c.sku} valid today` });
      continue;
    }
    const quantity = Dec.max(needed.get(productId)!, price.minimum_quantity).toDecimalPlaces(
      c.quantity_precision,
      Dec.ROUND_UP,
    );
    const list = bySupplier.get(c.supplier_id) ?? [];
    list.push({ productId, quantity: quantity.toFixed(), unitPrice: new Dec(price.price).toFixed(), sku: c.sku });
    bySupplier.set(c.supplier_id, list);
  }
  const purchaseOrders: PurchaseOrder[] = [];
  for (const [supplierId, wanted] of bySupplier) {
    wanted.sort((a, b) => a.sku.localeCompare(b.sku));
    const lines = await priceOrderLines(scope.trx, { supplierId, currency, today: scope.today() }, wanted);
    purchaseOrders.push(
      await createOrder(scope, { supplierId, currency, lines, notes: "Drafted from reorder points" }),
    );
  }
  return { purchaseOrders, skipped };
}
