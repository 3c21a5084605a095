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

/** A verifier for the configured key source; keys from a JWKS are cached and refetched on rotation. */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
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
    return { subject: payload.sub!, roles: rolesFrom(payload, settings.rolesClaim) };
  };
}

function rolesFrom(payload: JWTPayload, claim: string): string[] {
  const value = claim.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], payload);
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === "string");
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  return [];
}
