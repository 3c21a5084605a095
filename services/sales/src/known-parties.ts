import {
  CustomerBlocked,
  CustomerDetailsUpdated,
  CustomerRegistered,
  CustomerUnblocked,
  type EventPayload,
  ProductDetailsUpdated,
  ProductDiscontinued,
  ProductRegistered,
  WarehouseOpened,
} from "@erp/contracts";
import {
  type ActionScope,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  type EventHandler,
} from "@erp/core";
import type { SalesDatabase } from "./db.js";

type Scope = ActionScope<SalesDatabase>;

/** Keeps sales' view of a CRM customer; an older event never overwrites a newer one. */
async function rememberCustomer(event: DeliveredEvent<EventPayload<typeof CustomerRegistered>>, scope: Scope) {
  const c = event.payload;
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

async function rememberProduct(event: DeliveredEvent<EventPayload<typeof ProductRegistered>>, scope: Scope) {
  const p = event.payload;
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

async function rememberWarehouse(event: DeliveredEventOf<typeof WarehouseOpened>, scope: Scope) {
  const w = event.payload;
  await scope.trx
    .insertInto("sales.known_warehouses")
    .values({ warehouse_id: w.warehouseId, code: w.code, name: w.name })
    .onConflict((oc) => oc.column("warehouse_id").doNothing())
    .execute();
}

const customerEvents = [CustomerRegistered, CustomerDetailsUpdated, CustomerBlocked, CustomerUnblocked];
const productEvents = [ProductRegistered, ProductDetailsUpdated, ProductDiscontinued];
const lastWord = (type: string) => type.split(".").at(-1);

/** Sales learns customers and products from CRM's and inventory's events, never from their tables. */
export const knownPartyHandlers: EventHandler<SalesDatabase>[] = [
  ...customerEvents.map((c) => defineHandler(c, `remember-customer-${lastWord(c.type)}`, rememberCustomer)),
  ...productEvents.map((c) => defineHandler(c, `remember-product-${lastWord(c.type)}`, rememberProduct)),
  defineHandler(WarehouseOpened, "remember-warehouse", rememberWarehouse),
];
