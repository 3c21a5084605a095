import { ProductDetailsUpdated, ProductDiscontinued, ProductRegistered } from "@erp/contracts";
import {
  type ActionScope,
  defineStateMachine,
  fields,
  type Money,
  money,
  parseInput,
  sql,
  versionConflict,
} from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase, ProductStatus, ProductsTable } from "./db.js";
import { InventoryErrorCode, notFound, refuse } from "./errors.js";
import { UNIT_PRECISION, type UnitOfMeasure } from "./quantity.js";

export type { ProductStatus };

export const productLifecycle = defineStateMachine<ProductStatus>("Product", {
  ACTIVE: ["DISCONTINUED"],
  DISCONTINUED: [],
});

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  unitOfMeasure: UnitOfMeasure;
  quantityPrecision: number;
  type: "STOCKED" | "SERVICE";
  standardCost: Money;
  listPrice: Money;
  status: ProductStatus;
  version: number;
  createdAt: string;
}

export function toProduct(row: Selectable<ProductsTable>): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    unitOfMeasure: row.unit_of_measure,
    quantityPrecision: UNIT_PRECISION[row.unit_of_measure],
    type: row.type,
    standardCost: money(row.standard_cost, row.cost_currency.trim()),
    listPrice: money(row.list_price, row.price_currency.trim()),
    status: row.status,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** What other domains learn of a product with each event: enough to keep their own view. */
const productSnapshot = (p: Product) => ({
  productId: p.id,
  sku: p.sku,
  name: p.name,
  type: p.type,
  status: p.status,
  quantityPrecision: p.quantityPrecision,
  listPrice: p.listPrice,
  version: p.version,
});

const UNITS = ["PIECE", "BOX", "KILOGRAM", "METRE", "LITRE", "HOUR"] as const;

const costSchema = fields.money({ allowZero: true }).refine((m) => m.currency === valuationCurrency(), {
  message: `Standard cost must be in the valuation currency`,
  path: ["currency"],
});

const registerSchema = z.object({
  sku: fields.code(
    "SKU",
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
    "SKU must be 1 to 40 letters, digits, dots, dashes or underscores",
  ),
  name: fields.text("Name", 200),
  description: fields.optionalText("Description", 2000, { multiline: true }),
  unitOfMeasure: z.enum(UNITS),
  type: z.enum(["STOCKED", "SERVICE"]),
  standardCost: costSchema,
  listPrice: fields.money({ allowZero: true }),
});

export async function registerProduct(scope: ActionScope<InventoryDatabase>, input: z.input<typeof registerSchema>) {
  const data = parseInput(registerSchema, input);
  const row = await scope.trx
    .insertInto("inventory.products")
    .values({
      sku: data.sku,
      name: data.name,
      description: data.description,
      unit_of_measure: data.unitOfMeasure,
      type: data.type,
      standard_cost: data.standardCost.amount,
      cost_currency: data.standardCost.currency,
      list_price: data.listPrice.amount,
      price_currency: data.listPrice.currency,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const product = toProduct(row);
  await scope.audit("Product", product.id, { sku: product.sku });
  await scope.emit(ProductRegistered, product.id, productSnapshot(product));
  return product;
}

export async function lockProduct(trx: Transaction<InventoryDatabase>, id: string, field = "productId") {
  const row = await trx
    .selectFrom("inventory.products")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(InventoryErrorCode.PRODUCT_NOT_FOUND, "The product", field);
}

/** A product that exists, is stocked and (unless issuing) is still sold. */
export async function findStockedProduct(
  db: Kysely<InventoryDatabase>,
  id: string,
  field = "productId",
  options: { allowDiscontinued?: boolean } = {},
) {
  const row = await db.selectFrom("inventory.products").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return notFound(InventoryErrorCode.PRODUCT_NOT_FOUND, "The product", field);
  if (row.type === "SERVICE")
    refuse(InventoryErrorCode.PRODUCT_NOT_STOCKED, `${row.sku} is a service and has no stock`, field);
  if (row.status === "DISCONTINUED" && !options.allowDiscontinued)
    refuse(InventoryErrorCode.PRODUCT_DISCONTINUED, `${row.sku} is discontinued`, field);
  return row;
}

const updateSchema = z.object({
  productId: fields.id("productId"),
  expectedVersion: z.number().int().min(1),
  name: fields.text("Name", 200).nullish(),
  description: fields.optionalText("Description", 2000, { multiline: true }),
  standardCost: costSchema.nullish(),
  listPrice: fields.money({ allowZero: true }).nullish(),
});

export async function updateProductDetails(scope: ActionScope<InventoryDatabase>, input: z.input<typeof updateSchema>) {
  const data = parseInput(updateSchema, input);
  const current = await lockProduct(scope.trx, data.productId);
  if (current.version !== data.expectedVersion) versionConflict();
  const changes = {
    ...(data.name && { name: data.name }),
    ...(input.description !== undefined && { description: data.description }),
    ...(data.standardCost && { standard_cost: data.standardCost.amount }),
    ...(data.listPrice && { list_price: data.listPrice.amount, price_currency: data.listPrice.currency }),
  };
  const product = await saveProduct(scope.trx, current.id, changes);
  await scope.audit("Product", product.id, { changed: Object.keys(changes) });
  await scope.emit(ProductDetailsUpdated, product.id, productSnapshot(product));
  return product;
}

async function saveProduct(
  trx: Transaction<InventoryDatabase>,
  id: string,
  changes: Partial<Selectable<ProductsTable>>,
) {
  const row = await trx
    .updateTable("inventory.products")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProduct(row);
}

const discontinueSchema = z.object({ productId: fields.id("productId") });

export async function discontinueProduct(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof discontinueSchema>,
) {
  const data = parseInput(discontinueSchema, input);
  const current = await lockProduct(scope.trx, data.productId);
  productLifecycle.assertTransition(current.status, "DISCONTINUED");
  const product = await saveProduct(scope.trx, current.id, { status: "DISCONTINUED" });
  await scope.audit("Product", product.id);
  await scope.emit(ProductDiscontinued, product.id, productSnapshot(product));
  return product;
}
