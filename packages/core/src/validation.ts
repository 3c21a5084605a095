import { z } from "zod";
import { businessClock } from "./clock.js";
import {
  type BusinessError,
  BusinessRuleViolation,
  badUserInput,
  businessError,
  KernelErrorCode,
  validationErrors,
} from "./errors.js";
import {
  AMOUNT_COLUMN,
  currencyScale,
  Dec,
  decimalPlaces,
  fitsColumn,
  isCurrencyCode,
  isDecimalString,
  type NumericColumn,
} from "./money.js";

/** Parses input with a zod schema; failures roll back the action as VALIDATION_FAILED errors. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BusinessRuleViolation(validationErrors(result.error));
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/**
 * Refused: C0 controls, DEL, C1 controls, and the bidi overrides and isolates that make text read
 * differently from what is stored (U+202A–U+202E, U+2066–U+2069); Postgres refuses NUL outright.
 * Free text (notes, descriptions, reasons) may hold tab, line feed and carriage return.
 */
function isRefusedCharacter(code: number, multiline: boolean): boolean {
  if (code <= 0x1f) return !(multiline && (code === 0x09 || code === 0x0a || code === 0x0d));
  return (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** Whether text holds a character refused in names and codes (or, with `multiline`, in free text). */
export function hasControlCharacters(value: string, options: { multiline?: boolean } = {}): boolean {
  for (let i = 0; i < value.length; i++)
    if (isRefusedCharacter(value.charCodeAt(i), options.multiline ?? false)) return true;
  return false;
}

const controlMessage = (what: string, multiline: boolean) =>
  `${what} must not contain control characters${multiline ? " (other than tab and line breaks)" : ""} or bidirectional overrides`;

/** How text may look: `multiline` for notes, descriptions and reasons (tab and line breaks allowed). */
export interface TextOptions {
  multiline?: boolean;
}

const plainString = (what: string, options: TextOptions = {}) =>
  z.string().refine((v) => !hasControlCharacters(v, options), controlMessage(what, options.multiline ?? false));

/** A plausible range of dates around today: `pastDays` back and `futureDays` ahead (UTC days). */
export interface DateWindow {
  pastDays: number;
  futureDays: number;
}

const DAY_MS = 86_400_000;

/** Today (UTC) shifted by whole days, as YYYY-MM-DD. */
export const isoDay = (offsetDays = 0, now: number = Date.now()): string =>
  new Date(now + offsetDays * DAY_MS).toISOString().slice(0, 10);

/** First and last day a window allows today, inclusive. */
export function windowBounds(
  window: DateWindow,
  now: number = businessClock().now().getTime(),
): { from: string; to: string } {
  return { from: isoDay(-window.pastDays, now), to: isoDay(window.futureDays, now) };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (value: string) =>
  ISO_DATE.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

// The window is read when a value is checked, so settings changed at run time apply.
const resolve = (window: DateWindow | (() => DateWindow)) => (typeof window === "function" ? window() : window);

/** Field schemas shared by every domain's input validation. */
export const fields = {
  id: (what: string) => z.string().regex(UUID, `${what} must be a valid id`),
  /** Required text, trimmed, without control characters. */
  text: (what: string, max: number, options: TextOptions = {}) =>
    plainString(what, options).pipe(
      z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`),
    ),
  /** Optional text: absent, null or blank becomes null. */
  optionalText: (what: string, max: number, options: TextOptions = {}) =>
    plainString(what, options)
      .pipe(z.string().trim().max(max, `${what} must be at most ${max} characters`))
      .nullish()
      .transform((v) => (v ? v : null)),
  /** A code (SKU, warehouse or customer code, reason code): the pattern decides, control characters never pass. */
  code: (what: string, pattern: RegExp, message: string) => plainString(what).pipe(z.string().regex(pattern, message)),
  email: () =>
    plainString("Email").pipe(
      z.string().trim().max(254, "Email must be at most 254 characters").email("Email is not a valid address"),
    ),
  phone: () =>
    plainString("Phone").pipe(
      z
        .string()
        .trim()
        .regex(/^\+?[0-9 ()./-]{4,30}$/, "Phone must be digits, spaces and + ( ) . / - only, 4 to 30 characters"),
    ),
  countryCode: () => z.string().regex(/^[A-Z]{2}$/, "Country must be an ISO 3166-1 alpha-2 code such as DE"),
  /** A calendar date (YYYY-MM-DD) within a window around today. */
  dateWithin: (what: string, window: DateWindow | (() => DateWindow)) =>
    z.string().superRefine((value, ctx) => {
      const problem = dateProblem(what, value, resolve(window));
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
  /** An instant (a DateTime scalar's Date or an ISO string) within a window around now; parsed to a Date. */
  instantWithin: (what: string, window: DateWindow | (() => DateWindow)) =>
    z.union([z.string(), z.date()]).transform((value, ctx) => {
      const instant = value instanceof Date ? value : new Date(value);
      const problem = Number.isNaN(instant.getTime())
        ? `${what} must be a date and time`
        : dateProblem(what, instant.toISOString().slice(0, 10), resolve(window));
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      return instant;
    }),
  /** Money with a positive (or zero when allowed) amount at most at its currency's minor units. */
  money: (options: { allowZero?: boolean; column?: NumericColumn } = {}) =>
    z.object({ amount: z.string(), currency: z.string() }).superRefine((value, ctx) => {
      const issue = moneyIssue(value.amount, value.currency, options.allowZero ?? false, options.column);
      if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue.message, path: [issue.field] });
    }),
};

/** Why a YYYY-MM-DD date is not a real day inside the window, or undefined when it is. */
export function dateProblem(
  what: string,
  value: string,
  window: DateWindow,
  now: number = businessClock().now().getTime(),
) {
  if (!isRealDate(value)) return `${what} must be a date (YYYY-MM-DD)`;
  const { from, to } = windowBounds(window, now);
  if (value < from || value > to) return `${what} must be between ${from} and ${to}`;
  return undefined;
}

/** Why a value (given or computed) would not fit its numeric column, or undefined when it does. */
export function magnitudeProblem(what: string, value: Dec | string, column: NumericColumn = AMOUNT_COLUMN) {
  if (fitsColumn(value, column)) return undefined;
  return `${what} is too large: at most ${column.precision - column.scale} digits before the decimal point`;
}

/** Refuses VALIDATION_FAILED, naming the field, when a computed amount would overflow its column. */
export function assertFitsColumn(
  what: string,
  value: Dec | string,
  field: string,
  column: NumericColumn = AMOUNT_COLUMN,
): void {
  const problem = magnitudeProblem(what, value, column);
  if (problem) throw new BusinessRuleViolation([businessError(KernelErrorCode.VALIDATION_FAILED, problem, field)]);
}

/** A query's free-text filter: control characters are the caller's error (BAD_USER_INPUT), never SQL's. */
export function assertSearchText(value: string | null | undefined, field: string): void {
  if (value != null && hasControlCharacters(value))
    throw badUserInput(`${field} must not contain control characters or bidirectional overrides`, field);
}

function moneyIssue(amount: string, currency: string, allowZero: boolean, column = AMOUNT_COLUMN) {
  if (!isCurrencyCode(currency)) return { field: "currency", message: `Unknown currency ${currency}` };
  if (!isDecimalString(amount)) return { field: "amount", message: "Amount must be a decimal number" };
  if (amount.startsWith("-")) return { field: "amount", message: "Amount must not be negative" };
  if (!allowZero && /^0(\.0+)?$/.test(amount)) return { field: "amount", message: "Amount must be greater than zero" };
  const scale = currencyScale(currency);
  if (decimalPlaces(amount) > scale)
    return { field: "amount", message: `${currency} amounts have at most ${scale} decimal places` };
  const tooLarge = magnitudeProblem("Amount", amount, column);
  if (tooLarge) return { field: "amount", message: tooLarge };
  return undefined;
}

/** A not-found error that rolls back the action. */
export const VERSION_CONFLICT_MESSAGE = "The record was changed by someone else; reload it and try again";

export function versionConflict(field = "expectedVersion"): never {
  throw new BusinessRuleViolation([businessError(KernelErrorCode.VERSION_CONFLICT, VERSION_CONFLICT_MESSAGE, field)]);
}

/** Query arguments that must be ids: a malformed one is the caller's error (BAD_USER_INPUT), never SQL's. */
export function assertIds(ids: Record<string, string | null | undefined>): void {
  for (const [field, id] of Object.entries(ids))
    if (id != null && !isUuid(id)) throw badUserInput(`${field} is not a valid id`, field);
}

/** A reference that must resolve; a missing one is a broken invariant, reported as an internal error. */
export async function present<T>(value: Promise<T | null>, what: string): Promise<T> {
  const found = await value;
  if (found === null) throw new Error(`${what} is missing: referential integrity broken`);
  return found;
}

/**
 * A query's date or instant filter: any day of years 1 to 9999 (a filter writes nothing, so no
 * business window applies), refused as BAD_USER_INPUT outside, never a database error on year 0.
 */
export function assertQueryDate(value: string | Date | null | undefined, field: string): void {
  if (value == null) return;
  const year = (value instanceof Date ? value : new Date(value)).getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) throw badUserInput(`${field} must be a date in the years 1 to 9999`, field);
}

/** The longest period a report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;

/**
 * A report's period: two days of the years 1900 to 2999 (anything else is a typo, not a period),
 * `from` not after `to`, spanning at most `maxDays` days both included, so a report's work is
 * bounded. Refused as BAD_USER_INPUT naming the argument.
 */
export function assertReportPeriod(from: string, to: string, maxDays = MAX_REPORT_DAYS): void {
  for (const [field, day] of [
    ["from", from],
    ["to", to],
  ] as const) {
    const year = new Date(day).getUTCFullYear();
    if (!(year >= 1900 && year <= 2999)) throw badUserInput(`${field} must be a day of the years 1900 to 2999`, field);
  }
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days < 1) throw badUserInput("to must be on or after from", "to");
  if (days > maxDays) throw badUserInput(`A report covers at most ${maxDays} days; this period has ${days}`, "to");
}

/**
 * A document line's quantity: a positive decimal with at most the product's decimal places,
 * below 10^12. A problem is collected in `errors` (VALIDATION_FAILED on `field`) and 0 returned,
 * so every line of a document is checked before it is refused as a whole.
 */
export function checkLineQuantity(value: string, precision: number, field: string, errors: BusinessError[]): Dec {
  const fail = (message: string) => (
    errors.push(businessError(KernelErrorCode.VALIDATION_FAILED, message, field)), new Dec(0)
  );
  if (!isDecimalString(value)) return fail("Quantity must be a decimal number");
  const q = new Dec(value);
  if (q.lte(0)) return fail("Quantity must be positive");
  if (decimalPlaces(value) > precision)
    return fail(`This product's quantities have at most ${precision} decimal places`);
  if (q.gte("1e12")) return fail("Quantity is too large");
  return q;
}
