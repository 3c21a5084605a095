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

/** Minor units of a currency (EUR 2, JPY 0, BHD 3), from the runtime's ISO 4217 data. */
export function currencyScale(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
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
