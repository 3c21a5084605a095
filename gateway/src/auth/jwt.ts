import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";

/** How people's tokens are checked: one HS256 secret, or an identity provider's JWKS. */
export interface JwtSettings {
  secret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
  /** The claim holding the person's roles (an array, or a space-separated string). */
  rolesClaim: string;
  /** Clock skew tolerated on exp and nbf, in seconds. */
  clockToleranceSeconds: number;
}

export interface VerifiedPerson {
  subject: string;
  roles: string[];
}

export type JwtVerifier = (token: string) => Promise<VerifiedPerson>;

/** Tokens verified lately, by the token's own text; bounded in bytes (the tokens and what they said). */
const VERIFIED_CACHE_BYTES = 4 * 2 ** 20;
/** A verified token is trusted again without its signature checked for at most this long (the JWKS's own cache age). */
const VERIFIED_MAX_SECONDS = 600;

/**
 * A verifier for the configured key source; keys from a JWKS are cached and refetched on rotation.
 * A token that passed is remembered until it expires (at most 10 minutes), so a client sending
 * the same token on every request has its signature checked once, not each time (checking it was
 * a tenth of the CPU of a short read). Refusals are not remembered; an expired token is checked,
 * and refused, again.
 */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  const verify = verifierFor(settings);
  const verified = new InMemoryLRUCache<VerifiedPerson>({
    maxSize: VERIFIED_CACHE_BYTES,
    sizeCalculation: (person, token) => token.length + JSON.stringify(person).length,
  });
  return async (token) => {
    const known = await verified.get(token);
    if (known) return known;
    const { person, expiresAt } = await verify(token);
    // Whole seconds, rounded down: the entry is gone before the token expires.
    const seconds = Math.min(VERIFIED_MAX_SECONDS, Math.floor((expiresAt - Date.now()) / 1000));
    if (seconds > 0) await verified.set(token, person, { ttl: seconds });
    return person;
  };
}

/** Checks a token's signature and claims: the person, and when the token expires (ms since the epoch). */
function verifierFor(settings: JwtSettings): (token: string) => Promise<{ person: VerifiedPerson; expiresAt: number }> {
  const key = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 })
    : new TextEncoder().encode(settings.secret ?? "");
  const algorithms = settings.jwksUrl ? ["RS256", "ES256"] : ["HS256"];
  return async (token) => {
    const options = {
      algorithms,
      clockTolerance: settings.clockToleranceSeconds,
      requiredClaims: ["sub", "exp"],
      ...(settings.issuer && { issuer: settings.issuer }),
      ...(settings.audience && { audience: settings.audience }),
    };
    const { payload } =
      key instanceof Uint8Array
        ? await jwtVerify(token, key, options)
        : await jwtVerify(token, key as JWTVerifyGetKey, options);
    return {
      person: { subject: payload.sub!, roles: rolesFrom(payload, settings.rolesClaim) },
      expiresAt: payload.exp! * 1000,
    };
  };
}

function rolesFrom(payload: JWTPayload, claim: string): string[] {
  const value = claim.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], payload);
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === "string");
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  return [];
}
