import type { OperationRunner } from "@erp/core";

async function run(execute: OperationRunner, query: string, input: Record<string, unknown>) {
  const result = await execute(query, { input });
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`Inventory seed failed: ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload;
}

const FAMILIES = [
  ["CHAIR", "Office chair", "PIECE", "89.00", "149.00"],
  ["DESK", "Standing desk", "PIECE", "240.00", "399.00"],
  ["SHELF", "Steel shelving unit", "PIECE", "55.00", "99.00"],
  ["PAPER", "Copy paper, 80 g, box of 5 reams", "BOX", "14.50", "24.90"],
  ["CABLE", "Network cable Cat6", "METRE", "0.35", "0.89"],
  ["COFFEE", "Coffee beans", "KILOGRAM", "11.20", "19.50"],
  ["CLEANER", "Surface cleaner", "LITRE", "2.10", "4.95"],
  ["LAMP", "LED desk lamp", "PIECE", "18.00", "34.00"],
  ["CABINET", "Filing cabinet", "PIECE", "120.00", "219.00"],
  ["MONITOR", "27 inch monitor", "PIECE", "160.00", "279.00"],
] as const;

const VARIANTS = ["BLACK", "WHITE", "OAK", "GREY", "BLUE"];

const REGISTER = `mutation($input: RegisterProductInput!) { registerProduct(input: $input) { product { id } errors { code message } } }`;
const RECEIVE = `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { movement { id } errors { code message } } }`;
const REORDER = `mutation($input: SetReorderPointInput!) { setReorderPoint(input: $input) { stockLevel { available } errors { code message } } }`;

/** A catalogue of 50 products in two warehouses, some below their reorder point; idempotent keys. */
export async function seedInventory(execute: OperationRunner): Promise<void> {
  const warehouses = [];
  for (const [code, name, city, postalCode] of [
    ["BER-1", "Berlin central", "Berlin", "10115"],
    ["HAM-1", "Hamburg port", "Hamburg", "20457"],
  ]) {
    const p = await run(
      execute,
      `mutation($input: OpenWarehouseInput!) { openWarehouse(input: $input) { warehouse { id } errors { code message } } }`,
      {
        idempotencyKey: `seed-inventory-warehouse-${code}`,
        code,
        name,
        address: { line1: "Lagerstraße 1", postalCode, city, country: "DE" },
      },
    );
    warehouses.push(p.warehouse.id as string);
  }
  let n = 0;
  for (const [family, name, unit, cost, price] of FAMILIES) {
    for (const variant of VARIANTS) {
      const sku = `${family}-${variant}`;
      const p = await run(execute, REGISTER, {
        idempotencyKey: `seed-inventory-product-${sku}`,
        sku,
        name: `${name}, ${variant.toLowerCase()}`,
        unitOfMeasure: unit,
        type: "STOCKED",
        standardCost: { amount: cost, currency: "EUR" },
        listPrice: { amount: price, currency: "EUR" },
      });
      await stock(execute, p.product.id, warehouses, sku, cost, n++);
    }
  }
  await run(execute, REGISTER, {
    idempotencyKey: "seed-inventory-product-INSTALL",
    sku: "SERVICE-INSTALL",
    name: "Installation, per hour",
    unitOfMeasure: "HOUR",
    type: "SERVICE",
    standardCost: { amount: "35.00", currency: "EUR" },
    listPrice: { amount: "65.00", currency: "EUR" },
  });
}

async function stock(
  execute: OperationRunner,
  productId: string,
  warehouses: string[],
  sku: string,
  cost: string,
  n: number,
) {
  for (const [w, warehouseId] of warehouses.entries()) {
    // Every seventh product runs low in Berlin: a few units against a reorder point of 20.
    const quantity = w === 0 && n % 7 === 0 ? 3 + (n % 5) : 40 + ((n * 13 + w * 7) % 60);
    await run(execute, RECEIVE, {
      idempotencyKey: `seed-inventory-receive-${sku}-${w}`,
      productId,
      warehouseId,
      quantity: String(quantity),
      unitCost: { amount: cost, currency: "EUR" },
      source: { type: "PurchaseReceipt", id: `PR-SEED-${n}` },
    });
    await run(execute, REORDER, {
      idempotencyKey: `seed-inventory-reorder-${sku}-${w}`,
      productId,
      warehouseId,
      reorderPoint: "20",
      reorderQuantity: "50",
    });
  }
}
