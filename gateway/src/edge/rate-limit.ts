import { HeaderMap } from "@apollo/server";
import { currentRequestScope, EdgeErrorCode, type Principal } from "@erp/core";
import { GraphQLError } from "graphql";
import pg from "pg";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { ChargeCost } from "./cost.js";

export interface RateLimitOptions {
  rateLimitPerMinute: number;
  rateLimitPerAddressPerMinute: number;
  /** When set, counters live in PostgreSQL (schema "gateway", table "rate_limits") so gateways share them. */
  databaseUrl?: string | undefined;
}

/** What the rate limit reads of the principal. */
type Caller = Pick<Principal, "subject" | "kind"> & { apiKeyId?: string | undefined };

export interface RateLimits {
  /** Counts an operation of this many points for the caller; throws RATE_LIMITED when over the limit. */
  consume(principal: Caller | undefined, clientAddress: string, points?: number): Promise<void>;
  close(): Promise<void>;
}

export async function createRateLimits(options: RateLimitOptions): Promise<RateLimits> {
  const pool = options.databaseUrl ? new pg.Pool({ connectionString: options.databaseUrl, max: 4 }) : undefined;
  // An idle client dropped by the server must not crash the gateway (the limiter falls back to memory).
  pool?.on("error", () => undefined);
  if (pool) await pool.query("create schema if not exists gateway");
  const perKey = await limiter(pool, "key", options.rateLimitPerMinute);
  const perAddress = await limiter(pool, "address", options.rateLimitPerAddressPerMinute);
  return {
    async consume(principal, clientAddress, points = 1) {
      // A partner counts per key, a person per subject (many people may share one office address),
      // anyone else per client address.
      const [bucket, key] = principal?.apiKeyId
        ? [perKey, principal.apiKeyId]
        : principal?.kind === "person"
          ? [perAddress, `person:${principal.subject}`]
          : [perAddress, clientAddress];
      try {
        await bucket.consume(key, Math.min(points, bucket.points));
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) throw outcome;
        throw rateLimited(bucket.points, outcome.msBeforeNext);
      }
    },
    close: async () => pool?.end(),
  };
}

async function limiter(pool: pg.Pool | undefined, keyPrefix: string, points: number): Promise<RateLimiterAbstract> {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  if (!pool) return memory;
  return new Promise((resolve, reject) => {
    const shared = new RateLimiterPostgres(
      {
        storeClient: pool,
        storeType: "pool",
        schemaName: "gateway",
        tableName: "rate_limits",
        keyPrefix,
        points,
        duration: 60,
        // Should PostgreSQL be unreachable, each gateway keeps counting on its own.
        insuranceLimiter: memory,
      },
      (error) => (error ? reject(error) : resolve(shared)),
    );
  });
}

function rateLimited(points: number, msBeforeNext: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GraphQLError(`Too many requests: the limit is ${points} per minute; retry in ${retryAfterSeconds} s`, {
    extensions: {
      code: EdgeErrorCode.RATE_LIMITED,
      retryAfterSeconds,
      limitPerMinute: points,
      http: { status: 429, headers: new HeaderMap([["retry-after", String(retryAfterSeconds)]]) },
    },
  });
}

/** Estimated cost that weighs as much as one more operation in the rate limit. */
export const COST_PER_POINT = 1_000;

/**
 * Counts every operation once it is known (after authentication built the principal), before it
 * runs, weighed by its estimated cost: one point, plus one per COST_PER_POINT, so a client sending
 * costly queries reaches its limit sooner than one sending simple ones.
 */
export function chargeRateLimit(limits: RateLimits): ChargeCost {
  return async (contextValue, cost) => {
    // The later pages of one CSV export belong to the request its first page was charged for.
    if ((contextValue as { continuesCharged?: boolean }).continuesCharged) return;
    const points = 1 + Math.floor(cost / COST_PER_POINT);
    const { principal } = contextValue as { principal?: Caller };
    await limits.consume(principal, currentRequestScope()?.clientAddress ?? "unknown", points);
  };
}
