import { describe, expect, it } from "vitest";
import { decodePrincipal, encodePrincipal } from "../src/context.js";
import { isKnownScope, SCOPES } from "../src/scopes.js";

describe("scope catalogue", () => {
  it.each(["crm:read", "finance:reconcile", "identity:admin", "*", "finance:*", "audit:*"])("knows %s", (scope) => {
    expect(isKnownScope(scope)).toBe(true);
  });

  it.each(["crm:delete", "hr:*", "crm", "", "*:*", "crm:read ", "constructor"])("refuses %j", (scope) => {
    expect(isKnownScope(scope)).toBe(false);
  });

  it("describes every scope", () => {
    expect(Object.keys(SCOPES)).toHaveLength(17);
    for (const description of Object.values(SCOPES)) expect(description.length).toBeGreaterThan(10);
  });

  it("carries a partner's API key id through the gateway header", () => {
    const partner = { subject: "key:abc", kind: "partner" as const, roles: [], scopes: ["crm:read"], apiKeyId: "k-1" };
    expect(decodePrincipal(encodePrincipal(partner))).toEqual(partner);
  });
});
