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
  type Money,
  magnitudeProblem,
  money,
} from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { defaultTaxRate } from "./config.js";
import type { LinesTable, SalesDatabase } from "./db.js";
import { SalesErrorCode } from "./errors.js";

export interface SalesLineInput {
  productId: string;
  quantity: string;
  unitPrice?: string | null;
  discountPercent?: string | null;
  taxRate?: string | null;
}

/** A priced line ready to store: every amount exact, rounded half-even to the currency per line. */
export interface PricedLine {
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: string;
  unitPrice: string;
  discountPercent: string;
  taxRate: string;
  netAmount: string;
  taxAmount: string;
}

/** net = quantity × unit price × (100 − discount) / 100, tax = net × rate / 100; each rounded half-even. */
export function lineAmounts(quantity: Dec, unitPrice: Dec, discountPercent: Dec, taxRate: Dec, currency: string) {
  const scale = currencyScale(currency);
  const net = quantity
    .times(unitPrice)
    .times(new Dec(100).minus(discountPercent))
    .div(100)
    .toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
  const tax = net.times(taxRate).div(100).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
  return { net, tax };
}

function percent(value: string | null | undefined, fallback: string, field: string, errors: BusinessError[]): Dec {
  const raw = value ?? fallback;
  if (!isDecimalString(raw) || new Dec(raw).isNegative() || new Dec(raw).gt(100) || decimalPlaces(raw) > 2)
    errors.push(
      businessError(SalesErrorCode.VALIDATION_FAILED, "Percent must be 0 to 100 with at most 2 decimals", field),
    );
  return isDecimalString(raw) ? new Dec(raw) : new Dec(0);
}

/** Checks every line against what sales knows of the products and prices it; lists every bad line. */
export async function priceLines(
  db: Kysely<SalesDatabase>,
  lines: SalesLineInput[],
  currency: string,
): Promise<PricedLine[]> {
  const errors: BusinessError[] = [];
  if (lines.length < 1 || lines.length > 100)
    throw new BusinessRuleViolation([businessError(SalesErrorCode.VALIDATION_FAILED, "Give 1 to 100 lines", "lines")]);
  const ids = [...new Set(lines.map((l) => l.productId))].filter(isUuid);
  const products = new Map(
    (ids.length
      ? await db.selectFrom("sales.known_products").selectAll().where("product_id", "in", ids).execute()
      : []
    ).map((p) => [p.product_id, p]),
  );
  const priced = lines.map((line, i) => {
    const at = (f: string) => `lines.${i}.${f}`;
    const product = products.get(line.productId);
    if (!product)
      return void errors.push(
        businessError(SalesErrorCode.PRODUCT_NOT_FOUND, "The product does not exist", at("productId")),
      );
    if (product.status === "DISCONTINUED")
      errors.push(
        businessError(SalesErrorCode.PRODUCT_DISCONTINUED, `${product.sku} is discontinued`, at("productId")),
      );
    if (product.type !== "STOCKED")
      errors.push(
        businessError(
          SalesErrorCode.VALIDATION_FAILED,
          `${product.sku} is a service; invoice services directly`,
          at("productId"),
        ),
      );
    const quantity = checkLineQuantity(line.quantity, product.quantity_precision, at("quantity"), errors);
    const unitPrice = checkPrice(line.unitPrice, product, currency, at("unitPrice"), errors);
    const discount = percent(line.discountPercent, "0", at("discountPercent"), errors);
    const tax = percent(line.taxRate, defaultTaxRate(), at("taxRate"), errors);
    const { net, tax: taxAmount } = lineAmounts(quantity, unitPrice, discount, tax, currency);
    const tooLarge = magnitudeProblem("The line's amount (quantity × unit price, with tax)", net.plus(taxAmount));
    if (tooLarge) errors.push(businessError(SalesErrorCode.VALIDATION_FAILED, tooLarge, `lines.${i}`));
    return {
      lineNumber: i + 1,
      productId: product.product_id,
      sku: product.sku,
      quantity: quantity.toFixed(),
      unitPrice: unitPrice.toFixed(),
      discountPercent: discount.toFixed(),
      taxRate: tax.toFixed(),
      netAmount: net.toFixed(),
      taxAmount: taxAmount.toFixed(),
    };
  });
  if (errors.length) throw new BusinessRuleViolation(errors);
  const total = (priced as PricedLine[]).reduce((s, l) => s.plus(l.netAmount).plus(l.taxAmount), new Dec(0));
  // Finance stores the invoice and the credit hold of this total in numeric(20, 4) too.
  assertFitsColumn("The total (all lines with tax)", total, "lines");
  return priced as PricedLine[];
}

function checkPrice(
  value: string | null | undefined,
  product: { list_price: string; price_currency: string; sku: string },
  currency: string,
  field: string,
  errors: BusinessError[],
): Dec {
  if (value == null) {
    if (product.price_currency.trim() === currency) return new Dec(product.list_price);
    errors.push(
      businessError(
        SalesErrorCode.CURRENCY_MISMATCH,
        `${product.sku} is listed in ${product.price_currency.trim()}; give a unit price in ${currency}`,
        field,
      ),
    );
    return new Dec(0);
  }
  if (
    !isDecimalString(value) ||
    new Dec(value).isNegative() ||
    decimalPlaces(value) > 4 ||
    new Dec(value).gte("1e15")
  ) {
    errors.push(
      businessError(SalesErrorCode.VALIDATION_FAILED, "Unit price must be zero or more with at most 4 decimals", field),
    );
    return new Dec(0);
  }
  return new Dec(value);
}

export interface Line {
  id: string;
  lineNumber: number;
  productId: string;
  sku: string;
  quantity: string;
  shippedQuantity: string;
  unitPrice: Money;
  discountPercent: string;
  taxRate: string;
  netAmount: Money;
  taxAmount: Money;
  grossAmount: Money;
  reservationId: string | null;
}

export function toLine(row: Selectable<LinesTable>, currency: string): Line {
  return {
    id: row.id,
    lineNumber: row.line_number,
    productId: row.product_id,
    sku: row.sku,
    quantity: new Dec(row.quantity).toFixed(),
    shippedQuantity: new Dec(row.shipped_quantity).toFixed(),
    unitPrice: money(row.unit_price, currency),
    discountPercent: new Dec(row.discount_percent).toFixed(),
    taxRate: new Dec(row.tax_rate).toFixed(),
    netAmount: money(row.net_amount, currency),
    taxAmount: money(row.tax_amount, currency),
    grossAmount: money(new Dec(row.net_amount).plus(row.tax_amount), currency),
    reservationId: row.reservation_id,
  };
}

/** Order or quote totals: the sums of the already rounded lines, so lines always add up. */
export function totals(lines: Line[], currency: string) {
  const sum = (pick: (l: Line) => Money) =>
    money(
      lines.reduce((s, l) => s.plus(pick(l).amount), new Dec(0)),
      currency,
    );
  return { subtotal: sum((l) => l.netAmount), taxTotal: sum((l) => l.taxAmount), total: sum((l) => l.grossAmount) };
}

export const storedLine = (line: PricedLine) => ({
  line_number: line.lineNumber,
  product_id: line.productId,
  sku: line.sku,
  quantity: line.quantity,
  unit_price: line.unitPrice,
  discount_percent: line.discountPercent,
  tax_rate: line.taxRate,
  net_amount: line.netAmount,
  tax_amount: line.taxAmount,
});
