import {
  assertFitsColumn,
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  checkLineQuantity,
  currencyScale,
  Dec,
  decimalPlaces,
  isDecimalString,
  isUuid,
  magnitudeProblem,
} from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { procurementSettings } from "./config.js";
import type { KnownProductsTable, ProcurementDatabase } from "./db.js";
import { ProcurementErrorCode } from "./errors.js";

type Product = Selectable<KnownProductsTable>;

/** Why a product cannot be bought in this currency, or undefined: procurement buys stock, valued in one currency. */
function productProblem(product: Product | undefined, currency: string, field: string): BusinessError | undefined {
  if (!product) return businessError(ProcurementErrorCode.PRODUCT_NOT_FOUND, "The product does not exist", field);
  if (product.type !== "STOCKED")
    return businessError(
      ProcurementErrorCode.PRODUCT_NOT_PURCHASABLE,
      `${product.sku} is a service; procurement buys stocked products`,
      field,
    );
  if (product.status !== "ACTIVE")
    return businessError(ProcurementErrorCode.PRODUCT_NOT_PURCHASABLE, `${product.sku} is discontinued`, field);
  const stockCurrency = procurementSettings().stockCurrency;
  if (currency !== stockCurrency)
    return businessError(
      ProcurementErrorCode.CURRENCY_MISMATCH,
      `${product.sku} is stock valued in ${stockCurrency}; buy it in ${stockCurrency}, not ${currency}`,
      field,
    );
  return undefined;
}

async function knownProducts(db: Kysely<ProcurementDatabase>, ids: string[]) {
  const valid = [...new Set(ids)].filter(isUuid);
  const rows = valid.length
    ? await db.selectFrom("procurement.known_products").selectAll().where("product_id", "in", valid).execute()
    : [];
  return new Map(rows.map((p) => [p.product_id, p]));
}

/** A stocked, active product bought in the stock currency; refuses otherwise. */
export async function assertPurchasableProduct(
  db: Kysely<ProcurementDatabase>,
  productId: string,
  currency: string,
  field: string,
): Promise<Product> {
  const product = (await knownProducts(db, [productId])).get(productId);
  const problem = productProblem(product, currency, field);
  if (problem) throw new BusinessRuleViolation([problem]);
  return product!;
}

export interface OrderLineInput {
  productId: string;
  quantity: string;
  unitPrice?: string | null;
  expectedDate?: string | null;
}

export interface PricedOrderLine {
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  expectedDate: string | null;
}

/** The supplier's price for a product valid on a day in a currency, newest validFrom first. */
export async function validSupplierPrices(
  db: Kysely<ProcurementDatabase>,
  supplierId: string,
  productIds: string[],
  currency: string,
  day: string,
) {
  const rows = productIds.length
    ? await db
        .selectFrom("procurement.supplier_prices")
        .selectAll()
        .where("supplier_id", "=", supplierId)
        .where("product_id", "in", productIds)
        .where("currency", "=", currency)
        .where("valid_from", "<=", day)
        .where((eb) => eb.or([eb("valid_to", "is", null), eb("valid_to", ">=", day)]))
        .orderBy("valid_from", "desc")
        .execute()
    : [];
  const prices = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!prices.has(row.product_id)) prices.set(row.product_id, row);
  return prices;
}

/** Checks every line against the known products and prices it; lists every bad line at once. */
export async function priceOrderLines(
  db: Kysely<ProcurementDatabase>,
  order: { supplierId: string; currency: string; today: string },
  lines: OrderLineInput[],
): Promise<PricedOrderLine[]> {
  if (lines.length < 1 || lines.length > 100)
    throw new BusinessRuleViolation([
      businessError(ProcurementErrorCode.VALIDATION_FAILED, "Give 1 to 100 lines", "lines"),
    ]);
  const products = await knownProducts(
    db,
    lines.map((l) => l.productId),
  );
  const ids = [...products.keys()];
  const prices = await validSupplierPrices(db, order.supplierId, ids, order.currency, order.today);
  const scale = currencyScale(order.currency);
  const errors: BusinessError[] = [];
  const priced = lines.map((line, i): PricedOrderLine | undefined => {
    const at = (f: string) => `lines.${i}.${f}`;
    const product = products.get(line.productId);
    const problem = productProblem(product, order.currency, at("productId"));
    if (problem || !product) return void errors.push(problem!);
    const quantity = checkLineQuantity(line.quantity, product.quantity_precision, at("quantity"), errors);
    const unitPrice = line.unitPrice ?? prices.get(product.product_id)?.price;
    if (unitPrice === undefined)
      return void errors.push(
        businessError(
          ProcurementErrorCode.NO_SUPPLIER_PRICE,
          `The supplier has no ${order.currency} price for ${product.sku} valid today; give a unit price`,
          at("unitPrice"),
        ),
      );
    const price = checkPrice(unitPrice, at("unitPrice"), errors);
    const amount = quantity.times(price).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
    const tooLarge = magnitudeProblem("The line's amount (quantity × unit price)", amount);
    if (tooLarge) errors.push(businessError(ProcurementErrorCode.VALIDATION_FAILED, tooLarge, `lines.${i}`));
    return {
      lineNumber: i + 1,
      productId: product.product_id,
      sku: product.sku,
      quantity: quantity.toFixed(),
      unitPrice: price.toFixed(),
      amount: amount.toFixed(),
      expectedDate: line.expectedDate ?? null,
    };
  });
  if (errors.length) throw new BusinessRuleViolation(errors);
  const result = priced as PricedOrderLine[];
  assertFitsColumn("The order total", orderTotal(result), "lines");
  return result;
}

export const orderTotal = (lines: { amount: string }[]) => lines.reduce((s, l) => s.plus(l.amount), new Dec(0));

/** A unit price: positive, at most 4 decimals, below 10^12 (a line still fits numeric(20, 4)). */
export function checkPrice(value: string, field: string, errors: BusinessError[]): Dec {
  if (!isDecimalString(value) || new Dec(value).lte(0) || decimalPlaces(value) > 4 || new Dec(value).gte("1e12")) {
    errors.push(
      businessError(
        ProcurementErrorCode.VALIDATION_FAILED,
        "Unit price must be positive, below 10^12, with at most 4 decimals",
        field,
      ),
    );
    return new Dec(0);
  }
  return new Dec(value);
}
