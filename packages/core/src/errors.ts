import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { ZodError } from "zod";

/**
 * Codes every domain shares. Each domain's GraphQL error-code enum repeats them
 * alongside its own codes, so a client sees one documented enum per domain.
 */
export const KernelErrorCode = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  INVALID_STATE_TRANSITION: "INVALID_STATE_TRANSITION",
  VERSION_CONFLICT: "VERSION_CONFLICT",
  FORBIDDEN: "FORBIDDEN",
} as const;

export type KernelErrorCode = (typeof KernelErrorCode)[keyof typeof KernelErrorCode];

/** Where in a mutation's input an error points: a path as frontends use it, e.g. ["lines", "2", "quantity"]. */
export type FieldPath = readonly (string | number)[];

/** A field as code names it: a dotted path ("lines.2.quantity") or the path itself. */
export type FieldRef = string | FieldPath;

/** The path list of a field: "lines.2.quantity" and ["lines", 2, "quantity"] both give ["lines", "2", "quantity"]. */
export function fieldPath(field: FieldRef | null | undefined): string[] | null {
  if (field == null) return null;
  const path = typeof field === "string" ? field.split(".") : field.map(String);
  const named = path.filter((segment) => segment !== "");
  return named.length ? named : null;
}

/**
 * A broken business rule, returned as data in a mutation payload; the GraphQL `UserError`
 * interface (kernel.graphql) that every domain's error type implements.
 */
export interface BusinessError<Code extends string = string> {
  code: Code;
  /** Input path of the offending field, e.g. ["billingAddress", "country"]; null for the whole request. */
  field: string[] | null;
  message: string;
}

export function businessError<Code extends string>(code: Code, message: string, field?: FieldRef): BusinessError<Code> {
  return { code, message, field: fieldPath(field) };
}

/**
 * Thrown inside a business transaction to roll it back; the action runner turns it
 * into payload errors. Unexpected failures are ordinary errors and get masked.
 */
export class BusinessRuleViolation extends Error {
  constructor(readonly errors: BusinessError[]) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join("; "));
    this.name = "BusinessRuleViolation";
  }
}

/** Rolls back the current business transaction with one error. */
export function refuse(code: string, message: string, field?: FieldRef): never {
  throw new BusinessRuleViolation([businessError(code, message, field)]);
}

/** Rolls back with "<what> does not exist" on the field that named it. */
export function notFound(code: string, what: string, field: FieldRef): never {
  return refuse(code, `${what} does not exist`, field);
}

/** Rolls back the current business transaction with one error, whose code is one of the domain's. */
export type Refuse<Code extends string> = (code: Code, message: string, field?: FieldRef) => never;
/** Rolls back with "<what> does not exist" on the field that named it. */
export type NotFound<Code extends string> = (code: Code, what: string, field: FieldRef) => never;

/** A domain's refusals: they accept only its own error codes, so a misspelt code does not compile. */
export interface Refusals<Code extends string> {
  refuse: Refuse<Code>;
  notFound: NotFound<Code>;
}

/**
 * Typed refusals for a domain, from its generated error-code enum; the enum must repeat every
 * kernel code (a client sees one documented enum per domain), or this does not compile.
 */
export function refusals<Code extends string>(
  _codes: { readonly [K in Code]: K } & { readonly [K in KernelErrorCode]: K },
): Refusals<Code> {
  return {
    refuse: (code, message, field) => refuse(code, message, field),
    notFound: (code, what, field) => notFound(code, what, field),
  };
}

export function validationErrors(error: ZodError): BusinessError[] {
  return error.issues.map((issue) => businessError(KernelErrorCode.VALIDATION_FAILED, issue.message, issue.path));
}

/** Refusals at the edge (limits, budgets); their extensions (cost, limit, retryAfterSeconds) are public. */
export const EdgeErrorCode = {
  QUERY_TOO_COSTLY: "QUERY_TOO_COSTLY",
  RATE_LIMITED: "RATE_LIMITED",
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  SERVER_BUSY: "SERVER_BUSY",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
} as const;

/**
 * The database connection a request ran on was lost (a failover, a restart of PostgreSQL, a
 * network blip): nothing was committed, and the same request (with the same idempotency key)
 * may be sent again. Answered with `retryable: true` and no detail.
 */
export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

/** PostgreSQL's codes for a connection ended or refused by the server (classes 08 and 57P). */
const CONNECTION_LOST_CODES = /^(08|57P0[1-3])/;
const CONNECTION_LOST_MESSAGES =
  /Connection terminated|connection (is )?(closed|ended)|ECONNRESET|ECONNREFUSED|EPIPE|Client has encountered a connection error|timeout exceeded when trying to connect/i;

/** True when an error means the database connection went away, not that the request was wrong. */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && CONNECTION_LOST_CODES.test(code)) return true;
  return CONNECTION_LOST_MESSAGES.test(error.message);
}

const EDGE_CODES = new Set<unknown>([...Object.values(EdgeErrorCode), SERVICE_UNAVAILABLE]);

/** Error codes that reach clients as they are; everything else is masked. */
const CLIENT_SAFE_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "OPERATION_NOT_SAFELISTED",
  SERVICE_UNAVAILABLE,
  ...Object.values(EdgeErrorCode),
]);

export const MASKED_MESSAGE = "Internal server error";

export function isClientSafe(code: unknown): boolean {
  return typeof code === "string" && CLIENT_SAFE_CODES.has(code);
}

/**
 * One masking rule for subgraphs in-process, subgraphs over HTTP and the gateway:
 * a client-safe error keeps its code and message; anything else becomes
 * INTERNAL_SERVER_ERROR with a fixed message and the request id to quote to support.
 */
export function maskFormattedError(
  formatted: GraphQLFormattedError,
  requestId: string | undefined,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isClientSafe(code)) {
    const { http: _http, stacktrace: _stack, ...details } = EDGE_CODES.has(code) ? (formatted.extensions ?? {}) : {};
    return {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { ...details, code, requestId },
    };
  }
  return { message: MASKED_MESSAGE, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } };
}

/** A client error with a safe code, e.g. a malformed id in a query argument. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", field } });
}

/** A query whose subject does not exist (e.g. a report on an unknown warehouse): NOT_FOUND, which masking lets through. */
export function queryNotFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "NOT_FOUND" } });
}
