import type { DeliveredEvent, EventHandler } from "@erp/core";
import type { SalesDatabase } from "./db.js";

interface CustomerSnapshot {
  customerId: string;
  name: string;
  status: string;
  version: number;
}

interface ProductSnapshot {
  productId: string;
  sku: string;
  name: string;
  type: string;
  status: string;
  quantityPrecision: number;
  listPrice: { amount: string; currency: string };
  version: number;
}

/** Keeps sales' view of a CRM customer; an older event never overwrites a newer one. */
async function rememberCustomer(event: DeliveredEvent, scope: Parameters<EventHandler<SalesDatabase>["handle"]>[1]) {
  const c = event.payload as unknown as CustomerSnapshot;
  await scope.trx
    .insertInto("sales.known_customers")
    .values({ customer_id: c.customerId, name: c.name, status: c.status, version: c.version })
    .onConflict((oc) =>
      oc
        .column("customer_id")
        .doUpdateSet({ name: c.name, status: c.status, version: c.version })
        .where("sales.known_customers.version", "<", c.version),
    )
    .execute();
}

async function rememberProduct(event: DeliveredEvent, scope: Parameters<EventHandler<SalesDatabase>["handle"]>[1]) {
  const p = event.payload as unknown as ProductSnapshot;
  const values = {
    sku: p.sku,
    name: p.name,
    type: p.type,
    status: p.status,
    quantity_precision: p.quantityPrecision,
    list_price: p.listPrice.amount,
    price_currency: p.listPrice.currency,
    version: p.version,
  };
  await scope.trx
    .insertInto("sales.known_products")
    .values({ product_id: p.productId, ...values })
    .onConflict((oc) =>
      oc.column("product_id").doUpdateSet(values).where("sales.known_products.version", "<", p.version),
    )
    .execute();
}

async function rememberWarehouse(event: DeliveredEvent, scope: Parameters<EventHandler<SalesDatabase>["handle"]>[1]) {
  const w = event.payload as { warehouseId: string; code: string; name: string };
  await scope.trx
    .insertInto("sales.known_warehouses")
    .values({ warehouse_id: w.warehouseId, code: w.code, name: w.name })
    .onConflict((oc) => oc.column("warehouse_id").doNothing())
    .execute();
}

const customerEvents = [
  "crm.customer.registered",
  "crm.customer.details_updated",
  "crm.customer.blocked",
  "crm.customer.unblocked",
];
const productEvents = [
  "inventory.product.registered",
  "inventory.product.details_updated",
  "inventory.product.discontinued",
];

/** Sales learns customers and products from CRM's and inventory's events, never from their tables. */
export const knownPartyHandlers: EventHandler<SalesDatabase>[] = [
  ...customerEvents.map((on) => ({ name: `remember-customer-${on.split(".").at(-1)}`, on, handle: rememberCustomer })),
  ...productEvents.map((on) => ({ name: `remember-product-${on.split(".").at(-1)}`, on, handle: rememberProduct })),
  { name: "remember-warehouse", on: "inventory.warehouse.opened", handle: rememberWarehouse },
];
