import { ANONYMOUS_PRINCIPAL, logger, type Principal } from "@erp/core";
import { GraphQLError } from "graphql";
import { createJwtVerifier, type JwtSettings } from "./jwt.js";
import { scopesForRoles } from "./roles.js";

/** A partner's API key as the identity domain vouches for it. */
export interface VerifiedApiKey {
  keyId: string;
  name: string;
  scopes: string[];
  safelistOnly: boolean;
}

export type ApiKeyVerifier = (token: string) => Promise<VerifiedApiKey | null>;

export interface AuthSettings {
  jwt: JwtSettings | undefined;
  roleScopes: Record<string, string[]>;
}

/** The caller of one request, and the key it used when it is a partner. */
export interface Caller {
  principal: Principal;
  apiKey?: VerifiedApiKey;
}

/** What authentication reads of an HTTP request. */
export interface CredentialSource {
  header(name: string): string | undefined;
}

export type Authenticator = (req: CredentialSource) => Promise<Caller>;

const API_KEY_PREFIX = "erp_";

/**
 * Reads the credentials of a request: `Authorization: Bearer <JWT>` for people,
 * `X-API-Key: erp_…` (or `Authorization: Bearer erp_…`) for partners. No credentials →
 * the anonymous principal, which holds no scope; bad credentials → UNAUTHENTICATED.
 */
export function createAuthenticator(settings: AuthSettings, apiKeys: ApiKeyVerifier | undefined): Authenticator {
  const verifyJwt = settings.jwt && createJwtVerifier(settings.jwt);
  return async (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.header("authorization") ?? "")?.[1];
    const key = req.header("x-api-key") ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
    if (key) return partner(key, apiKeys);
    if (req.header("authorization") && !bearer)
      throw unauthenticated("The Authorization header must be Bearer <token>");
    if (!bearer) return { principal: ANONYMOUS_PRINCIPAL };
    if (!verifyJwt) throw unauthenticated("Bearer tokens are not accepted: no identity provider is configured");
    try {
      const person = await verifyJwt(bearer);
      const scopes = scopesForRoles(person.roles, settings.roleScopes);
      return { principal: { subject: person.subject, kind: "person", roles: person.roles, scopes } };
    } catch (error) {
      logger.debug({ err: error }, "bearer token refused");
      throw unauthenticated(`The bearer token was refused (${reasonOf(error)})`);
    }
  };
}

async function partner(token: string, apiKeys: ApiKeyVerifier | undefined): Promise<Caller> {
  const key = apiKeys && (await apiKeys(token));
  if (!key) throw unauthenticated("The API key is unknown, revoked or expired");
  const principal: Principal = {
    subject: `api-key:${key.keyId}`,
    kind: "partner",
    roles: [],
    scopes: key.scopes,
    apiKeyId: key.keyId,
  };
  return { principal, apiKey: key };
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known: Record<string, string> = {
    ERR_JWT_EXPIRED: "expired",
    ERR_JWT_CLAIM_VALIDATION_FAILED:
      (error as { claim?: string }).claim === "nbf" ? "not yet valid" : "claim check failed",
    ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "bad signature",
    ERR_JWKS_NO_MATCHING_KEY: "unknown signing key",
    ERR_JOSE_ALG_NOT_ALLOWED: "algorithm not allowed",
  };
  const claim = (error as { claim?: string }).claim;
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim && claim !== "nbf") return `${claim} claim check failed`;
  return (code && known[code]) ?? "malformed";
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}
