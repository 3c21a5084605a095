import { z } from "zod";
import { Dec, decimalPlaces, isCurrencyCode, isDecimalString } from "./money.js";
import { hasControlCharacters } from "./validation.js";

/** One environment variable: its name, its value when unset, and what it must hold. */
export interface Setting<T> {
  variable: string;
  fallback: string;
  /** Completes "NAME="value" is not …" when a value is refused. */
  expected: string;
  schema: z.ZodType<T, z.ZodTypeDef, string>;
}

const decimalWithin = (min: string, max: string | undefined, places: number | undefined) =>
  z
    .string()
    .refine(
      (v) =>
        isDecimalString(v) &&
        new Dec(v).gte(min) &&
        (max === undefined || new Dec(v).lte(max)) &&
        (places === undefined || decimalPlaces(v) <= places),
    );

// A century bounds a window; a larger number would push dates past the year 9999.
const MAX_DAYS = 36_500;

/** The kinds of setting the domains read, each with the message a bad value gets. */
export const setting = {
  days: (variable: string, fallback: number): Setting<number> => ({
    variable,
    fallback: String(fallback),
    expected: `a whole number of days from 0 to ${MAX_DAYS}`,
    schema: z
      .string()
      .regex(/^\d{1,6}$/)
      .transform(Number)
      .refine((n) => n <= MAX_DAYS),
  }),
  percentage: (variable: string, fallback: string, places: number): Setting<string> => ({
    variable,
    fallback,
    expected: `a percentage between 0 and 100 with at most ${places} decimal places`,
    schema: decimalWithin("0", "100", places),
  }),
  amount: (variable: string, fallback: string): Setting<string> => ({
    variable,
    fallback,
    expected: "a decimal amount of 0 or more, such as 1000.00",
    schema: decimalWithin("0", undefined, undefined),
  }),
  count: (variable: string, fallback: number, min: number, max: number): Setting<number> => ({
    variable,
    fallback: String(fallback),
    expected: `a whole number from ${min} to ${max}`,
    schema: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .refine((n) => n >= min && n <= max),
  }),
  text: (variable: string, fallback: string, maxLength: number): Setting<string> => ({
    variable,
    fallback,
    expected: `a single line of at most ${maxLength} characters`,
    schema: z
      .string()
      .max(maxLength)
      .refine((v) => !hasControlCharacters(v)),
  }),
  prefix: (variable: string, fallback: string): Setting<string> => ({
    variable,
    fallback,
    expected: "1 to 10 capital letters or digits, such as INV",
    schema: z.string().regex(/^[A-Z0-9]{1,10}$/),
  }),
  currency: (variable: string, fallback: string): Setting<string> => ({
    variable,
    fallback,
    expected: "an ISO 4217 currency code such as EUR",
    schema: z.string().refine(isCurrencyCode),
  }),
};

type Values<S extends Record<string, Setting<unknown>>> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** A domain's settings: call it for the current values; `parse` checks a given environment. */
export interface Settings<T> {
  (): T;
  parse(env: NodeJS.ProcessEnv): T;
}

/** Thrown at start when a setting holds a value the domain cannot use. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/**
 * Declares a domain's settings. They are parsed from the environment on first use and again only
 * when one of their variables changes (a test may set one); the subgraph reads them when it is
 * built, so a bad value stops the start with a message naming the variable, value and expectation.
 */
export function defineSettings<S extends Record<string, Setting<unknown>>>(settings: S): Settings<Values<S>> {
  const entries = Object.entries(settings);
  const shape = Object.fromEntries(entries.map(([key, s]) => [key, s.schema]));
  const schema = z.object(shape);
  const raw = (env: NodeJS.ProcessEnv) =>
    // An empty variable is unset (Number("") would be 0 and close a date window).
    Object.fromEntries(entries.map(([key, s]) => [key, env[s.variable]?.trim() || s.fallback]));
  const parse = (env: NodeJS.ProcessEnv): Values<S> => {
    const values = raw(env);
    const result = schema.safeParse(values);
    if (result.success) return result.data as Values<S>;
    const refused = [...new Set(result.error.issues.map((issue) => String(issue.path[0])))];
    throw new SettingsError(
      refused
        .map((key) => `${settings[key]?.variable}=${JSON.stringify(values[key])} is not ${settings[key]?.expected}`)
        .join("; "),
    );
  };
  let cache: { key: string; values: Values<S> } | undefined;
  const read = () => {
    const key = JSON.stringify(entries.map(([, s]) => process.env[s.variable]));
    if (cache?.key !== key) cache = { key, values: parse(process.env) };
    return cache.values;
  };
  return Object.assign(read, { parse });
}
