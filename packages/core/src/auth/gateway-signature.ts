import { createHmac, timingSafeEqual } from "node:crypto";
import { decodePrincipal, encodePrincipal, HEADERS, type RequestInfo } from "../context.js";

/** How far a signed request's timestamp may be from the subgraph's clock. */
export const SIGNATURE_WINDOW_MS = 30_000;

/**
 * Used when neither GATEWAY_SECRET is set nor production is on, so development split
 * mode still signs every request: a subgraph port never trusts an unsigned principal.
 */
export const DEVELOPMENT_GATEWAY_SECRET = "erp-development-gateway-secret-not-for-production";

/** The shared secret from the environment; production refuses to run without a real one. */
export function gatewaySecretFrom(env: NodeJS.ProcessEnv): string {
  const secret = env.GATEWAY_SECRET?.trim();
  const production = env.NODE_ENV === "production";
  if (secret && production && (secret.length < 32 || secret === DEVELOPMENT_GATEWAY_SECRET))
    throw new Error("GATEWAY_SECRET must be at least 32 characters of your own in production");
  if (secret) return secret;
  if (production) throw new Error("GATEWAY_SECRET must be set in production: subgraphs trust only signed requests");
  return DEVELOPMENT_GATEWAY_SECRET;
}

const mac = (secret: string, timestamp: string, requestId: string, principal: string) =>
  createHmac("sha256", secret).update(`${timestamp}.${requestId}.${principal}`).digest();

/** The headers the gateway sends a subgraph: principal, request id and their signature. */
export function signedHeaders(secret: string, info: RequestInfo, now = Date.now()): Record<string, string> {
  const principal = encodePrincipal(info.principal);
  const timestamp = String(now);
  const signature = mac(secret, timestamp, info.requestId, principal).toString("hex");
  return {
    [HEADERS.principal]: principal,
    [HEADERS.requestId]: info.requestId,
    [HEADERS.signature]: `t=${timestamp},v1=${signature}`,
  };
}

export type SignatureCheck = { ok: true; info: RequestInfo } | { ok: false; reason: string };

/** Checks a request's gateway signature in constant time; refuses stale or forged ones. */
export function verifySignedHeaders(
  secret: string,
  header: (name: string) => string | undefined,
  now = Date.now(),
): SignatureCheck {
  const principal = header(HEADERS.principal);
  const requestId = header(HEADERS.requestId);
  const match = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/.exec(header(HEADERS.signature) ?? "");
  if (!principal || !requestId || !match) return { ok: false, reason: "missing gateway signature" };
  const [, timestamp, given] = match as unknown as [string, string, string];
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) return { ok: false, reason: "expired signature" };
  const expected = mac(secret, timestamp, requestId, principal);
  if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) return { ok: false, reason: "invalid signature" };
  const decoded = decodePrincipal(principal);
  if (!decoded) return { ok: false, reason: "malformed principal" };
  return { ok: true, info: { principal: decoded, requestId } };
}
