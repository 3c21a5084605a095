import { describe, expect, it } from "vitest";
import {
  DEVELOPMENT_GATEWAY_SECRET,
  gatewaySecretFrom,
  signedHeaders,
  verifySignedHeaders,
} from "../src/auth/gateway-signature.js";
import type { Principal } from "../src/context.js";

const clerk: Principal = { subject: "clerk@acme.test", kind: "person", roles: [], scopes: ["crm:read"] };
const SECRET = "s".repeat(40);
const reader = (headers: Record<string, string>) => (name: string) => headers[name];

describe("the gateway's signature on what it forwards", () => {
  it("refuses to run split mode in production without a real secret", () => {
    expect(() => gatewaySecretFrom({ NODE_ENV: "production" })).toThrow(/GATEWAY_SECRET must be set/);
    expect(() => gatewaySecretFrom({ NODE_ENV: "production", GATEWAY_SECRET: "short" })).toThrow(/32 characters/);
    expect(() => gatewaySecretFrom({ NODE_ENV: "production", GATEWAY_SECRET: DEVELOPMENT_GATEWAY_SECRET })).toThrow(
      /32 characters of your own/,
    );
    expect(gatewaySecretFrom({ NODE_ENV: "production", GATEWAY_SECRET: SECRET })).toBe(SECRET);
    expect(gatewaySecretFrom({})).toBe(DEVELOPMENT_GATEWAY_SECRET);
  });

  it("verifies its own signature and refuses a tampered request id, another secret or a stale time", () => {
    const headers = signedHeaders(SECRET, { principal: clerk, requestId: "r-1" });
    const ok = verifySignedHeaders(SECRET, reader(headers));
    expect(ok).toEqual({ ok: true, info: { principal: clerk, requestId: "r-1" } });
    expect(verifySignedHeaders(SECRET, reader({ ...headers, "x-request-id": "r-2" })).ok).toBe(false);
    expect(verifySignedHeaders("t".repeat(40), reader(headers)).ok).toBe(false);
    const old = signedHeaders(SECRET, { principal: clerk, requestId: "r-1" }, Date.now() - 60_000);
    expect(verifySignedHeaders(SECRET, reader(old))).toEqual({ ok: false, reason: "expired signature" });
  });
});
