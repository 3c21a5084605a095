import { type JWTPayload, SignJWT } from "jose";

/** The HS256 secret test gateways verify people's tokens with. */
export const TEST_JWT_SECRET = "erp-test-jwt-secret-that-is-long-enough-for-hs256";

export interface TokenOptions {
  secret?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Seconds from now before which the token is not valid. */
  notBefore?: number;
  issuer?: string;
  audience?: string;
}

/** Signs a person's token the way an identity provider would (HS256). */
export async function signToken(claims: JWTPayload & { sub: string }, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 600));
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(now + options.notBefore);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** Authorization headers of a signed-in person with the given roles. */
export async function bearer(
  subject = "tester@erp.local",
  roles: string[] = ["admin"],
): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signToken({ sub: subject, roles })}` };
}
