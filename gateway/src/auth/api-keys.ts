import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import { authenticateApiKey, findPersistedOperation } from "@erp/identity";
import { GraphQLError } from "graphql";
import type { Kysely } from "kysely";
import type { ApiKeyVerifier, VerifiedApiKey } from "./authenticate.js";

const CACHE_LIMIT = 10_000;

/**
 * Partners' keys, checked against the identity domain's table. In one process every
 * request asks the database, so a revoked key is refused on the next request; a split
 * gateway may cache a valid key for `cacheMs` (5 s at most) to spare the database.
 */
export function apiKeyVerifier(db: Kysely<unknown>, cacheMs = 0): ApiKeyVerifier {
  const cache = new Map<string, { key: VerifiedApiKey; until: number }>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit && hit.until > Date.now()) return hit.key;
    cache.delete(token);
    const key = await authenticateApiKey(db, token);
    if (key && cacheMs > 0) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(token, { key, until: Date.now() + cacheMs });
    }
    return key;
  };
}

interface SafelistContext {
  apiKey?: VerifiedApiKey;
}

/**
 * Keys marked safelist-only may run only the operations registered for them: the query
 * text's SHA-256 must be on the key's list. A registered operation may also be sent by
 * its hash alone (the persisted-query extension); the gateway fills in its text.
 */
export function safelistPlugin(db: Kysely<unknown>): ApolloServerPlugin<SafelistContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const key = contextValue.apiKey;
      if (!key?.safelistOnly) return;
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: string } | undefined)?.sha256Hash;
      // Sent by hash alone: the registered text stands in, already known to be on the list.
      const byHash = !request.query && hash ? await findPersistedOperation(db, key.keyId, { sha256: hash }) : null;
      if (byHash) request.query = byHash.query;
      return {
        async didResolveOperation({ source }) {
          if (byHash && source === byHash.query) return;
          const registered = await findPersistedOperation(db, key.keyId, { sha256: sha256Hex(source) });
          if (!registered)
            throw new GraphQLError("This API key may run only the operations registered for it", {
              extensions: { code: "OPERATION_NOT_SAFELISTED", http: { status: 403 } },
            });
        },
      };
    },
  };
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");
