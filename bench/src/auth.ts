import { SignJWT } from "jose";

/** The benchmark's own identity provider: contenders trust tokens signed with this (HS256). */
export const BENCH_JWT_SECRET = "erp-bench-jwt-secret-that-is-long-enough-for-hs256";

/** Authorization header of an administrator, valid for a day (a benchmark outlasts a test's 10 minutes). */
export async function adminBearer(): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sub: "bench@erp.local", roles: ["admin"] })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt(now)
    .setExpirationTime(now + 86_400)
    .sign(new TextEncoder().encode(BENCH_JWT_SECRET));
  return { authorization: `Bearer ${token}` };
}
