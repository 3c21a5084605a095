import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "../src/index.js";
import { useIdentity } from "./harness.js";

const env = useIdentity();

const ME = `{ me { subject kind roles scopes apiKey { id name prefix status } } }`;

describe(`me on ${testDatabaseKind()}`, () => {
  it("shows a partner its principal and its own API key, without identity:read", async () => {
    const key = await env.issue({ name: "Acme ERP link", scopes: ["sales:write"] });
    const authenticated = (await authenticateApiKey(env.database.db, key.token))!;
    const partner = env.as({
      subject: `api-key:${authenticated.prefix}`,
      kind: "partner",
      roles: [],
      scopes: authenticated.scopes,
      apiKeyId: authenticated.keyId,
    });
    const { data, errors } = await partner.request(ME);
    expect(errors).toBeUndefined();
    expect(data.me).toEqual({
      subject: `api-key:${key.prefix}`,
      kind: "PARTNER",
      roles: [],
      scopes: ["sales:write"],
      apiKey: { id: key.id, name: "Acme ERP link", prefix: key.prefix, status: "ACTIVE" },
    });
    const denied = await partner.request(`{ apiKeys { nodes { id } } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const escalation = await partner.request(
      `mutation($input: IssueApiKeyInput!) { issueApiKey(input: $input) { secret errors { code } } }`,
      { input: { idempotencyKey: newKey(), name: "Escalation", scopes: ["*"] } },
    );
    expect(escalation.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses an anonymous caller with UNAUTHENTICATED", async () => {
    const anonymous = env.as({ subject: "anonymous", kind: "anonymous", roles: [], scopes: [] });
    expect((await anonymous.request(ME)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("links a person to the HR employee with their subject, and no partner or system to any", async () => {
    const EMPLOYEE = `{ me { kind employee { __typename userSubject } } }`;
    const person = env.as({ subject: "ana@example.com", kind: "person", roles: [], scopes: [] });
    expect((await person.request(EMPLOYEE)).data.me).toEqual({
      kind: "PERSON",
      employee: { __typename: "Employee", userSubject: "ana@example.com" },
    });
    const partner = env.as({ subject: "api-key:abc", kind: "partner", roles: [], scopes: [] });
    expect((await partner.request(EMPLOYEE)).data.me).toEqual({ kind: "PARTNER", employee: null });
    const system = env.as({ subject: "system", kind: "system", roles: ["system"], scopes: ["*"] });
    expect((await system.request(EMPLOYEE)).data.me).toEqual({ kind: "SYSTEM", employee: null });
  });

  it("shows a person and the system without a key", async () => {
    const person = env.as({ subject: "ana@example.com", kind: "person", roles: ["clerk"], scopes: ["crm:read"] });
    expect((await person.request(ME)).data.me).toEqual({
      subject: "ana@example.com",
      kind: "PERSON",
      roles: ["clerk"],
      scopes: ["crm:read"],
      apiKey: null,
    });
    const system = env.as({ subject: "system", kind: "system", roles: ["system"], scopes: ["*"] });
    expect((await system.request(ME)).data.me).toMatchObject({ kind: "SYSTEM", apiKey: null });
  });
});
