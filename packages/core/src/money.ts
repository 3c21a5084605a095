import { Decimal } from "decimal.js";

// One configured Decimal class for the whole system: 40 significant digits, half-even.
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Dec = InstanceType<typeof Dec>;

/** An amount of money: the amount an exact decimal string, the currency an ISO 4217 code. */
export interface Money {
  amount: string;
  currency: string;
}

const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export const isDecimalString = (value: string): boolean => DECIMAL_PATTERN.test(value);

export const isCurrencyCode = (code: string): boolean => ISO_CURRENCIES.has(code);

// Building an Intl.NumberFormat per call was a CPU hot spot; only ISO codes are kept, so the
// cache is bounded by the ISO list however many made-up codes callers send.
const scales = new Map<string, number>();

/** Minor units of a currency (EUR 2, JPY 0, BHD 3), from the runtime's ISO 4217 data. */
export function currencyScale(currency: string): number {
  const known = scales.get(currency);
  if (known !== undefined) return known;
  const scale =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  if (ISO_CURRENCIES.has(currency)) scales.set(currency, scale);
  return scale;
}

/** Number of digits after the decimal point as written. */
export function decimalPlaces(value: string): number {
  const dot = value.indexOf(".");
  return dot === -1 ? 0 : value.length - dot - 1;
}

/** Rounds half-even to `scale` places and renders with exactly that many places. */
export function roundHalfEven(value: Dec | string, scale: number): string {
  return new Dec(value).toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN).toFixed(scale);
}

/** Renders a stored money amount at its currency's scale ("1234.5000" → "1234.50"). */
export function money(amount: Dec | string, currency: string): Money {
  return { amount: roundHalfEven(amount, currencyScale(currency)), currency };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`Cannot add ${a.currency} to ${b.currency}`);
  return money(new Dec(a.amount).plus(b.amount), a.currency);
}

/** A Postgres `numeric(precision, scale)` column: `precision − scale` digits before the point. */
export interface NumericColumn {
  precision: number;
  scale: number;
}

/** numeric(20, 4): every money amount, total, tax and stock value. */
export const AMOUNT_COLUMN: NumericColumn = { precision: 20, scale: 4 };
/** numeric(20, 6): quantities and unit costs in the stock ledger. */
export const QUANTITY_COLUMN: NumericColumn = { precision: 20, scale: 6 };
/** The largest amount an AMOUNT_COLUMN holds. */
export const MAX_AMOUNT = "9999999999999999.9999";

// Depends only on the column: computed once per precision and scale, not on every check.
const columnMaxima = new Map<string, Dec>();

/** Largest magnitude a column holds, e.g. 9999999999999999.9999 for numeric(20, 4). */
export function columnMax(column: NumericColumn): Dec {
  const key = `${column.precision},${column.scale}`;
  let max = columnMaxima.get(key);
  if (!max) {
    max = new Dec(10).pow(column.precision - column.scale).minus(new Dec(10).pow(-column.scale));
    columnMaxima.set(key, max);
  }
  return max;
}

/**
 * Whether Postgres can store the value in the column without a numeric overflow: it rounds to
 * the column's scale (half away from zero) first, then needs fewer than precision − scale digits.
 */
export function fitsColumn(value: Dec | string, column: NumericColumn): boolean {
  const rounded = new Dec(value).abs().toDecimalPlaces(column.scale, Dec.ROUND_HALF_UP);
  return rounded.lte(columnMax(column));
}
