import { z } from "zod";
import { BusinessRuleViolation, badUserInput, businessError, KernelErrorCode, validationErrors } from "./errors.js";
import { currencyScale, decimalPlaces, isCurrencyCode, isDecimalString } from "./money.js";

/** Parses input with a zod schema; failures roll back the action as VALIDATION_FAILED errors. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BusinessRuleViolation(validationErrors(result.error));
  return result.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** Field schemas shared by every domain's input validation. */
export const fields = {
  id: (what: string) => z.string().regex(UUID, `${what} must be a valid id`),
  text: (what: string, max: number) =>
    z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`),
  optionalText: (what: string, max: number) =>
    z
      .string()
      .trim()
      .max(max, `${what} must be at most ${max} characters`)
      .nullish()
      .transform((v) => (v ? v : null)),
  email: () => z.string().trim().max(254, "Email must be at most 254 characters").email("Email is not a valid address"),
  phone: () =>
    z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()./-]{4,30}$/, "Phone must be digits, spaces and + ( ) . / - only, 4 to 30 characters"),
  countryCode: () => z.string().regex(/^[A-Z]{2}$/, "Country must be an ISO 3166-1 alpha-2 code such as DE"),
  /** Money with a positive (or zero when allowed) amount at most at its currency's minor units. */
  money: (options: { allowZero?: boolean } = {}) =>
    z.object({ amount: z.string(), currency: z.string() }).superRefine((value, ctx) => {
      const issue = moneyIssue(value.amount, value.currency, options.allowZero ?? false);
      if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, message: issue.message, path: [issue.field] });
    }),
};

function moneyIssue(amount: string, currency: string, allowZero: boolean) {
  if (!isCurrencyCode(currency)) return { field: "currency", message: `Unknown currency ${currency}` };
  if (!isDecimalString(amount)) return { field: "amount", message: "Amount must be a decimal number" };
  if (amount.startsWith("-")) return { field: "amount", message: "Amount must not be negative" };
  if (!allowZero && /^0(\.0+)?$/.test(amount)) return { field: "amount", message: "Amount must be greater than zero" };
  const scale = currencyScale(currency);
  if (decimalPlaces(amount) > scale)
    return { field: "amount", message: `${currency} amounts have at most ${scale} decimal places` };
  if (amount.split(".")[0]!.replace("-", "").length > 16) return { field: "amount", message: "Amount is too large" };
  return undefined;
}

/** A not-found error that rolls back the action. */
export function notFound(code: string, what: string, field: string): never {
  throw new BusinessRuleViolation([businessError(code, `${what} does not exist`, field)]);
}

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
