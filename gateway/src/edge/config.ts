import { type HttpLimits, httpLimitsFromEnv } from "@erp/core";

/** Every limit the gateway puts on a request; each one set by an environment variable (README, "Limits"). */
export interface EdgeConfig {
  http: HttpLimits;
  /** Origins allowed to call from a browser; "*" any, [] none (same-origin only). */
  corsOrigins: string[] | "*";
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Estimated cost above which a query is refused before it runs (see edge/cost.ts). */
  maxQueryCost: number;
  /** Items a list without `first`/`last` is assumed to hold when estimating cost. */
  unpaginatedListSize: number;
  /** Operations per minute per API key (principal.apiKeyId). */
  rateLimitPerMinute: number;
  /** Operations per minute per client address, for callers without an API key. */
  rateLimitPerAddressPerMinute: number;
  /** Automatic persisted queries: bytes of query text kept. */
  apqCacheBytes: number;
  /** Hide "Did you mean …" suggestions, which leak field names. */
  hideSchemaDetails: boolean;
}

const int = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
};

export function loadEdgeConfig(env: NodeJS.ProcessEnv, production: boolean): EdgeConfig {
  const origins = env.CORS_ORIGINS?.trim();
  return {
    http: httpLimitsFromEnv(env),
    // Browsers may call from anywhere in development; in production only the listed origins.
    corsOrigins:
      origins === "*" || (!origins && !production)
        ? "*"
        : (origins ?? "")
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean),
    maxDepth: int(env.MAX_QUERY_DEPTH, 12),
    maxAliases: int(env.MAX_QUERY_ALIASES, 30),
    maxDirectives: int(env.MAX_QUERY_DIRECTIVES, 20),
    maxTokens: int(env.MAX_QUERY_TOKENS, 3000),
    maxQueryCost: int(env.MAX_QUERY_COST, 25_000),
    unpaginatedListSize: int(env.UNPAGINATED_LIST_SIZE, 20),
    rateLimitPerMinute: int(env.RATE_LIMIT_PER_MINUTE, 600),
    rateLimitPerAddressPerMinute: int(env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE, 300),
    apqCacheBytes: int(env.APQ_CACHE_BYTES, 8 * 1024 * 1024),
    hideSchemaDetails: production,
  };
}
