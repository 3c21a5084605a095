import { fileURLToPath } from "node:url";
import { gatewaySecretFrom, isKnownScope, poolSizeFrom } from "@erp/core";
import type { AuthSettings } from "./auth/authenticate.js";
import { DEFAULT_ROLE_SCOPES } from "./auth/roles.js";
import { type EdgeConfig, loadEdgeConfig } from "./edge/config.js";
import { ConfigurationError, environmentProblems } from "./environment.js";
import { SUBGRAPHS } from "./subgraphs.js";

export type GatewayMode = "single" | "split";

export interface GatewayConfig {
  port: number;
  host: string | undefined;
  /** single: every subgraph in this process; split: each in its own process, reached over HTTP. */
  mode: GatewayMode;
  databaseUrl: string | undefined;
  /** Connections the process may hold on PostgreSQL (DATABASE_POOL_SIZE). */
  poolSize: number;
  dataDir: string;
  /** Split mode: where each subgraph listens. */
  subgraphUrls: Record<string, string>;
  /** Split mode: signs what the gateway forwards, so subgraphs accept requests from it only. */
  gatewaySecret: string | undefined;
  production: boolean;
  introspection: boolean;
  /** Fill an empty database with demo data on first start. */
  seed: boolean;
  /** How callers prove who they are. */
  auth: AuthSettings;
  /** Development: issue an API key holding every scope on first start and show it in Sandbox. */
  developmentKey: boolean;
  /** Limits on every request: shape, cost, rate, size, time, concurrency (edge/config.ts). */
  edge: EdgeConfig;
  /** Prometheus /metrics on its own port (METRICS_PORT, "off" disables), behind METRICS_TOKEN when set. */
  metrics: { port: number | "off"; token: string | undefined };
  /** OpenTelemetry: where traces go (OTLP over HTTP); tracing is off without it. */
  tracingEndpoint: string | undefined;
}

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Reads the gateway's configuration; a value it cannot use throws a `ConfigurationError` naming every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems = environmentProblems(env);
  if (problems.length) throw new ConfigurationError(problems);
  const production = env.NODE_ENV === "production";
  const mode = env.ERP_MODE === "split" ? "split" : "single";
  if (env.ERP_MODE && !["single", "split"].includes(env.ERP_MODE))
    throw new Error(`ERP_MODE must be "single" or "split", not "${env.ERP_MODE}"`);
  return {
    port: Number(env.PORT ?? 4000),
    // The development key (every scope) is embedded in Sandbox's page: serve it on loopback only
    // unless HOST says otherwise.
    host: env.HOST || (developmentKeyOn(env, production) ? "127.0.0.1" : undefined),
    mode,
    databaseUrl: env.DATABASE_URL || undefined,
    poolSize: poolSizeFrom(env),
    dataDir: env.DATA_DIR ?? `${REPO_ROOT}.data`,
    subgraphUrls: Object.fromEntries(
      SUBGRAPHS.map(({ module, port }) => [
        module.name,
        env[`${module.name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://localhost:${port}/graphql`,
      ]),
    ),
    gatewaySecret: mode === "split" ? gatewaySecretFrom(env) : undefined,
    production,
    introspection: env.INTROSPECTION ? env.INTROSPECTION === "true" : !production,
    seed: env.SEED !== "false",
    auth: authSettings(env),
    developmentKey: developmentKeyOn(env, production),
    edge: loadEdgeConfig(env, production),
    metrics: {
      port: env.METRICS_PORT?.trim() === "off" ? "off" : Number(env.METRICS_PORT?.trim() || 9464),
      token: env.METRICS_TOKEN?.trim() || undefined,
    },
    tracingEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
  };
}

const developmentKeyOn = (env: NodeJS.ProcessEnv, production: boolean) =>
  env.ERP_DEVELOPMENT_KEY ? env.ERP_DEVELOPMENT_KEY === "true" : !production;

function authSettings(env: NodeJS.ProcessEnv): AuthSettings {
  const secret = env.AUTH_JWT_SECRET || undefined;
  const jwksUrl = env.AUTH_JWKS_URL || undefined;
  if (secret && jwksUrl) throw new Error("Set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both");
  if (secret && secret.length < 32) throw new Error("AUTH_JWT_SECRET must be at least 32 characters (HS256)");
  if (jwksUrl && !/^https?:\/\//.test(jwksUrl))
    throw new Error(`AUTH_JWKS_URL must be an http(s) URL, not "${jwksUrl}"`);
  const skew = Number(env.AUTH_CLOCK_SKEW_SECONDS ?? 30);
  if (!Number.isInteger(skew) || skew < 0 || skew > 300)
    throw new Error(
      `AUTH_CLOCK_SKEW_SECONDS must be a whole number from 0 to 300, not "${env.AUTH_CLOCK_SKEW_SECONDS}"`,
    );
  const jwt =
    secret || jwksUrl
      ? {
          secret,
          jwksUrl,
          issuer: env.AUTH_JWT_ISSUER || undefined,
          audience: env.AUTH_JWT_AUDIENCE || undefined,
          rolesClaim: env.AUTH_ROLES_CLAIM || "roles",
          clockToleranceSeconds: skew,
        }
      : undefined;
  return { jwt, roleScopes: { ...DEFAULT_ROLE_SCOPES, ...roleScopesFrom(env.AUTH_ROLE_SCOPES) } };
}

function roleScopesFrom(json: string | undefined): Record<string, string[]> {
  if (!json) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('AUTH_ROLE_SCOPES must be JSON such as {"clerk": ["crm:read"]}');
  }
  const valid =
    parsed !== null &&
    typeof parsed === "object" &&
    Object.values(parsed).every((v) => Array.isArray(v) && v.every((s) => typeof s === "string"));
  if (!valid) throw new Error('AUTH_ROLE_SCOPES must map role names to lists of scopes, e.g. {"clerk": ["crm:read"]}');
  const table = parsed as Record<string, string[]>;
  // A typo such as "crm:reed" would silently grant nothing.
  for (const [role, scopes] of Object.entries(table))
    for (const scope of scopes)
      if (!isKnownScope(scope)) throw new Error(`AUTH_ROLE_SCOPES: role "${role}" names unknown scope "${scope}"`);
  return table;
}
