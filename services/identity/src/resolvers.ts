import { type ActionScope, assertIds, present, runBusinessAction } from "@erp/core";
import { type ApiKey, apiKeyStatus, type IssuedKey, issueApiKey, revokeApiKey, rotateApiKey } from "./api-key.js";
import { callerOf } from "./caller.js";
import type { IdentityContext } from "./context.js";
import type { IdentityDatabase } from "./db.js";
import { identityUniqueViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { registerPersistedOperation, unregisterPersistedOperation } from "./persisted-operation.js";
import { listApiKeys, listPersistedOperations } from "./queries.js";

type Input = { idempotencyKey: string } & Record<string, unknown>;

/** Every identity mutation: one transaction, idempotent by its key; the SDL declares identity:admin. */
function act<P extends object>(
  ctx: IdentityContext,
  operation: string,
  input: Input,
  work: (s: ActionScope<IdentityDatabase>) => Promise<P>,
) {
  return runBusinessAction(ctx, { operation, input, uniqueViolations: identityUniqueViolations }, work);
}

/**
 * The payload stored against the idempotency key holds the key but never its token: the token
 * leaves the transaction beside it and joins the first answer only, so a replay has secret null.
 */
async function withOneTimeSecret(
  ctx: IdentityContext,
  operation: string,
  input: Input,
  work: (s: ActionScope<IdentityDatabase>) => Promise<IssuedKey>,
) {
  const minted: { token?: string } = {};
  const payload = await act(ctx, operation, input, async (s) => {
    const { apiKey, token } = await work(s);
    minted.token = token;
    return { apiKey };
  });
  return { ...payload, secret: payload.errors.length === 0 ? (minted.token ?? null) : null };
}

export const resolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => callerOf(ctx.principal),
    apiKeys: (_, args, ctx) => listApiKeys(ctx.db, args),
    apiKey: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.apiKey.load(id)),
    persistedOperations: (_, { apiKeyId, ...args }, ctx) => (
      assertIds({ apiKeyId }), listPersistedOperations(ctx.db, apiKeyId, args)
    ),
  },
  Mutation: {
    issueApiKey: (_, { input }, ctx) => withOneTimeSecret(ctx, "issueApiKey", input, (s) => issueApiKey(s, input)),
    rotateApiKey: (_, { input }, ctx) => withOneTimeSecret(ctx, "rotateApiKey", input, (s) => rotateApiKey(s, input)),
    revokeApiKey: (_, { input }, ctx) =>
      act(ctx, "revokeApiKey", input, async (s) => ({ apiKey: await revokeApiKey(s, input) })),
    registerPersistedOperation: (_, { input }, ctx) =>
      act(ctx, "registerPersistedOperation", input, async (s) => ({
        persistedOperation: await registerPersistedOperation(s, input),
      })),
    unregisterPersistedOperation: (_, { input }, ctx) =>
      act(ctx, "unregisterPersistedOperation", input, async (s) => ({
        persistedOperation: await unregisterPersistedOperation(s, input),
      })),
  },
  Caller: {
    // A partner may see its own key without identity:read.
    apiKey: (caller, _, ctx) => (caller.apiKeyId ? ctx.loaders.apiKey.load(caller.apiKeyId) : null),
  },
  ApiKey: {
    __resolveReference: (ref, ctx) => ctx.loaders.apiKey.load(ref.id),
    status: (key: ApiKey) => apiKeyStatus(key),
  },
  PersistedOperation: {
    apiKey: (operation, _, ctx) => present(ctx.loaders.apiKey.load(operation.apiKeyId), "ApiKey"),
  },
};
