import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { currentRequestScope, EdgeErrorCode, type Principal } from "@erp/core";
import { GraphQLError } from "graphql";
import pg from "pg";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from "rate-limiter-flexible";

export interface RateLimitOptions {
  rateLimitPerMinute: number;
  rateLimitPerAddressPerMinute: number;
  /** When set, counters live in PostgreSQL (schema "gateway", table "rate_limits") so gateways share them. */
  databaseUrl?: string | undefined;
}

/** The principal as authentication will shape it; today's kernel has no apiKeyId yet. */
type Caller = Pick<Principal, "subject"> & { apiKeyId?: string | undefined };

export interface RateLimits {
  /** Counts one operation for the caller; throws RATE_LIMITED when over the limit. */
  consume(principal: Caller | undefined, clientAddress: string): Promise<void>;
  close(): Promise<void>;
}

export async function createRateLimits(options: RateLimitOptions): Promise<RateLimits> {
  const pool = options.databaseUrl ? new pg.Pool({ connectionString: options.databaseUrl, max: 4 }) : undefined;
  if (pool) await pool.query("create schema if not exists gateway");
  const perKey = await limiter(pool, "key", options.rateLimitPerMinute);
  const perAddress = await limiter(pool, "address", options.rateLimitPerAddressPerMinute);
  return {
    async consume(principal, clientAddress) {
      const [bucket, key] = principal?.apiKeyId ? [perKey, principal.apiKeyId] : [perAddress, clientAddress];
      try {
        await bucket.consume(key);
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

/** Counts every operation once it is known (after authentication built the principal), before it runs. */
export function rateLimitPlugin(limits: RateLimits): ApolloServerPlugin<{ principal?: Caller }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          await limits.consume(contextValue.principal, currentRequestScope()?.clientAddress ?? "unknown");
        },
      };
    },
  };
}
