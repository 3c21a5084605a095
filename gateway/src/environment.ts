import { eventBusSettings } from "@erp/core";
import { z } from "zod";
import { StartRefused } from "./preflight.js";
import { SUBGRAPHS } from "./subgraphs.js";

/**
 * Every environment variable the gateway and its servers read (README, "Configuration" and "Limits"),
 * each with what it must hold. `checkEnvironment` runs once, before anything else starts: a bad value
 * stops the start at once with every problem named, never half a minute later inside a migration.
 */
interface Variable {
  expected: string;
  valid: (value: string) => boolean;
}

const oneOf = (...values: string[]): Variable => ({
  expected: values.map((v) => `"${v}"`).join(" or "),
  valid: (v) => values.includes(v),
});
const wholeNumber = (min: number, max: number): Variable => ({
  expected: `a whole number from ${min} to ${max}`,
  valid: (v) => z.coerce.number().int().min(min).max(max).safeParse(v).success && /^\d+$/.test(v),
});
const urlWith = (protocols: string[], example: string): Variable => ({
  expected: `a ${protocols.join("/")} URL such as ${example}`,
  valid: (v) => {
    const parsed = z.string().url().safeParse(v);
    return parsed.success && protocols.some((p) => v.startsWith(`${p}://`)) && new URL(v).hostname !== "";
  },
});
const anyText: Variable = { expected: "any text", valid: () => true };
const BOOLEAN = oneOf("true", "false");
const POSITIVE = wholeNumber(1, 2_147_483_647);

export const GATEWAY_VARIABLES: Record<string, Variable> = {
  PORT: wholeNumber(0, 65_535),
  HOST: { expected: "a host name or IP address", valid: (v) => /^[\w.:[\]-]+$/.test(v) },
  DATABASE_URL: urlWith(["postgres", "postgresql"], "postgres://user:password@db.example.com:5432/erp"),
  DATABASE_POOL_SIZE: wholeNumber(1, 100),
  DATA_DIR: anyText,
  ERP_MODE: oneOf("single", "split"),
  WORKERS: {
    expected: '"auto" or a whole number from 1 to 64',
    valid: (v) => v === "auto" || /^([1-9]|[1-5]\d|6[0-4])$/.test(v),
  },
  ...Object.fromEntries(
    SUBGRAPHS.map(({ module }) => [
      `${module.name.toUpperCase()}_SUBGRAPH_URL`,
      urlWith(["http", "https"], "http://crm:4001/graphql"),
    ]),
  ),
  GATEWAY_SECRET: anyText, // 32+ characters in production: checked by gatewaySecretFrom
  AUTH_JWT_SECRET: { expected: "at least 32 characters (HS256)", valid: (v) => v.length >= 32 },
  AUTH_JWKS_URL: urlWith(["http", "https"], "https://login.example.com/.well-known/jwks.json"),
  AUTH_JWT_ISSUER: anyText,
  AUTH_JWT_AUDIENCE: anyText,
  AUTH_ROLES_CLAIM: {
    expected: "a claim name or dot path such as realm_access.roles",
    valid: (v) => /^[\w.:-]+$/.test(v),
  },
  AUTH_CLOCK_SKEW_SECONDS: wholeNumber(0, 300),
  AUTH_ROLE_SCOPES: {
    expected: 'JSON mapping roles to lists of scopes, such as {"clerk": ["crm:read"]}',
    valid: (v) => z.record(z.array(z.string())).safeParse(safeJson(v)).success,
  },
  ERP_DEVELOPMENT_KEY: BOOLEAN,
  NODE_ENV: oneOf("production", "development", "test"),
  INTROSPECTION: BOOLEAN,
  SEED: BOOLEAN,
  LOG_LEVEL: oneOf("fatal", "error", "warn", "info", "debug", "trace", "silent"),
  APOLLO_TELEMETRY_DISABLED: BOOLEAN,
  // Limits (README, "Limits").
  BODY_LIMIT_BYTES: POSITIVE,
  REQUEST_TIMEOUT_MS: POSITIVE,
  MAX_CONCURRENT_REQUESTS: POSITIVE,
  MAX_QUEUED_REQUESTS: POSITIVE,
  QUEUE_TIMEOUT_MS: POSITIVE,
  MAX_CONCURRENT_PER_CLIENT: POSITIVE,
  MAX_EVENT_LOOP_LAG_MS: POSITIVE,
  TRUST_PROXY: {
    expected: '"true", "false" or a number of proxy hops',
    valid: (v) => /^(true|false|\d{1,2})$/.test(v),
  },
  MAX_QUERY_DEPTH: POSITIVE,
  MAX_QUERY_ALIASES: POSITIVE,
  MAX_QUERY_DIRECTIVES: POSITIVE,
  MAX_QUERY_TOKENS: POSITIVE,
  MAX_QUERY_COST: POSITIVE,
  UNPAGINATED_LIST_SIZE: POSITIVE,
  RATE_LIMIT_PER_MINUTE: POSITIVE,
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: POSITIVE,
  CORS_ORIGINS: {
    expected: '"*" or comma-separated origins such as https://erp.example.com',
    valid: (v) => v.trim() === "*" || v.split(",").every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim())),
  },
  APQ_CACHE_BYTES: POSITIVE,
  // Observability (README, "Running it in production").
  METRICS_PORT: {
    expected: 'a port number from 0 to 65535, or "off"',
    valid: (v) => v === "off" || wholeNumber(0, 65_535).valid(v),
  },
  METRICS_TOKEN: { expected: "at least 16 characters", valid: (v) => v.length >= 16 },
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWith(["http", "https"], "http://collector:4318"),
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Thrown before anything starts when the environment holds values the ERP cannot use. */
export class ConfigurationError extends StartRefused {
  override name = "ConfigurationError";
  constructor(readonly problems: string[]) {
    super(`Configuration refused:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Every setting a domain or the kernel reads (the event bus's too), each checked when called. */
export const settingChecks = (modules: { settings?: () => unknown }[]): (() => unknown)[] => [
  ...modules.flatMap((m) => (m.settings ? [m.settings] : [])),
  eventBusSettings,
];

/** Variables named like the ERP's own (ERP_*) that nothing reads: likely a typo. */
export function unknownErpVariables(env: NodeJS.ProcessEnv): string[] {
  const known = new Set([...Object.keys(GATEWAY_VARIABLES), "ERP_SERVICE", "ERP_WORKER", "ERP_TEST_FAULTS_FILE"]);
  return Object.keys(env).filter((name) => name.startsWith("ERP_") && !known.has(name));
}

/**
 * Checks every variable the gateway reads, plus each domain's settings (`domainChecks`), and returns
 * every problem as `NAME="value" is not <expected>`; a blank variable takes its default.
 */
export function environmentProblems(env: NodeJS.ProcessEnv, domainChecks: (() => unknown)[] = []): string[] {
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(GATEWAY_VARIABLES)) {
    const value = env[name]?.trim();
    if (value && !variable.valid(value))
      problems.push(`${name}=${JSON.stringify(env[name])} is not ${variable.expected}`);
  }
  if (env.AUTH_JWT_SECRET?.trim() && env.AUTH_JWKS_URL?.trim())
    problems.push("AUTH_JWT_SECRET and AUTH_JWKS_URL are both set: set one of them");
  for (const check of domainChecks) {
    try {
      check();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return problems;
}
