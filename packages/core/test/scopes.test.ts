import { buildSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { enforceDeclaredAccess } from "../src/auth/scope-directives.js";
import { decodePrincipal, encodePrincipal } from "../src/context.js";
import { isKnownScope, SCOPES } from "../src/scopes.js";

describe("scope catalogue", () => {
  it.each([
    "crm:read",
    "finance:reconcile",
    "identity:admin",
    "*",
    "finance:*",
    "audit:*",
    "procurement:approve",
    "hr:compensation",
    "hr:*",
  ])("knows %s", (scope) => {
    expect(isKnownScope(scope)).toBe(true);
  });

  it.each(["crm:delete", "payroll:*", "crm", "", "*:*", "crm:read ", "constructor"])("refuses %j", (scope) => {
    expect(isKnownScope(scope)).toBe(false);
  });

  it("describes every scope", () => {
    expect(Object.keys(SCOPES)).toHaveLength(26);
    for (const description of Object.values(SCOPES)) expect(description.length).toBeGreaterThan(10);
  });

  it("carries a partner's API key id through the gateway header", () => {
    const partner = { subject: "key:abc", kind: "partner" as const, roles: [], scopes: ["crm:read"], apiKeyId: "k-1" };
    expect(decodePrincipal(encodePrincipal(partner))).toEqual(partner);
  });
});

describe("declared access on an entity's field", () => {
  const schema = enforceDeclaredAccess(
    buildSchema(`
      directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
      type Query { order: Order @requiresScopes(scopes: [["sales:read"]]) }
      type Order { number: String! amountPaid: String @requiresScopes(scopes: [["finance:read"]]) }
    `),
    "sales:read",
  );
  const read = (scopes: string[]) =>
    graphql({
      schema,
      source: "{ order { number amountPaid } }",
      rootValue: { order: { number: "SO-1", amountPaid: "9.00" } },
      contextValue: { principal: { subject: "someone", kind: "person", roles: [], scopes } },
    });

  it("refuses the field, not the whole entity, to a caller without the field's scope", async () => {
    const { data, errors } = await read(["sales:read"]);
    expect(data).toEqual({ order: { number: "SO-1", amountPaid: null } });
    expect(errors?.map((e) => [e.path, e.extensions.code])).toEqual([[["order", "amountPaid"], "FORBIDDEN"]]);
  });

  it("serves it to a caller holding the scope", async () => {
    expect(await read(["sales:read", "finance:read"])).toEqual({
      data: { order: { number: "SO-1", amountPaid: "9.00" } },
    });
  });
});
