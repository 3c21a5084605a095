import {
  type ActionInput,
  type ActionResolver,
  type ActionScope,
  actionResolvers,
  assertIds,
  pageArgs,
  present,
} from "@erp/core";
import { type ApiKey, apiKeyStatus, type IssuedKey, issueApiKey, revokeApiKey, rotateApiKey } from "./api-key.js";
import { callerOf, employeeOf } from "./caller.js";
import type { IdentityContext } from "./context.js";
import type { IdentityDatabase } from "./db.js";
import { identityUniqueViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { registerPersistedOperation, unregisterPersistedOperation } from "./persisted-operation.js";
import { listApiKeys, listPersistedOperations } from "./queries.js";

/** Every identity mutation: one transaction, idempotent by its key; the SDL declares identity:admin. */
const act = actionResolvers<IdentityContext>({ uniqueViolations: identityUniqueViolations });

/**
 * The payload stored against the idempotency key holds the key but never its token: the token
 * leaves the transaction beside it and joins the first answer only, so a replay has secret null.
 */
const withOneTimeSecret =
  <Input extends ActionInput>(issue: (s: ActionScope<IdentityDatabase>, input: Input) => Promise<IssuedKey>) =>
  async (...call: Parameters<ActionResolver<IdentityContext, Input, unknown>>) => {
    const minted: { token?: string } = {};
    const payload = await act(async (s, input: Input) => {
      const { apiKey, token } = await issue(s, input);
      minted.token = token;
      return { apiKey };
    })(...call);
    return { ...payload, secret: payload.errors.length === 0 ? (minted.token ?? null) : null };
  };

export const resolvers: Resolvers = {
  Query: {
    me: (_, __, ctx) => callerOf(ctx.principal),
    apiKeys: (_, args, ctx, info) => listApiKeys(ctx.db, pageArgs(args, info)),
    apiKey: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.apiKey.load(id)),
    persistedOperations: (_, { apiKeyId, ...args }, ctx, info) => (
      assertIds({ apiKeyId }), listPersistedOperations(ctx.db, apiKeyId, pageArgs(args, info))
    ),
  },
  Mutation: {
    issueApiKey: withOneTimeSecret((s, input) => issueApiKey(s, input)),
    rotateApiKey: withOneTimeSecret((s, input) => rotateApiKey(s, input)),
    revokeApiKey: act(async (s, input) => ({ apiKey: await revokeApiKey(s, input) })),
    registerPersistedOperation: act(async (s, input) => ({
      persistedOperation: await registerPersistedOperation(s, input),
    })),
    unregisterPersistedOperation: act(async (s, input) => ({
      persistedOperation: await unregisterPersistedOperation(s, input),
    })),
  },
  Caller: {
    // A partner may see its own key without identity:read.
    apiKey: (caller, _, ctx) => (caller.apiKeyId ? ctx.loaders.apiKey.load(caller.apiKeyId) : null),
    employee: (caller) => employeeOf(caller),
  },
  ApiKey: {
    __resolveReference: (ref, ctx) => ctx.loaders.apiKey.load(ref.id),
    status: (key: ApiKey) => apiKeyStatus(key),
  },
  PersistedOperation: {
    apiKey: (operation, _, ctx) => present(ctx.loaders.apiKey.load(operation.apiKeyId), "ApiKey"),
  },
};
