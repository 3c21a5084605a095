import { type Database, operations, type Principal, runMaintenance, sql } from "@erp/core";
import { crm } from "@erp/crm";
import { createMigratedDatabase, crmFactory, newKey, person, subgraphClient, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TRAIL = `query($entityType: String!, $entityId: ID!, $first: Int, $after: String) {
  auditTrail(entityType: $entityType, entityId: $entityId, first: $first, after: $after) {
    nodes {
      id domain entityType entityId operation occurredAt requestId idempotencyKey details
      actor { subject kind apiKeyId }
    }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

const REGISTER = `mutation($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id version } errors { code message } }
}`;

const UPDATE = `mutation($input: UpdateCustomerDetailsInput!) {
  updateCustomerDetails(input: $input) { customer { version } errors { code message } }
}`;

const partner: Principal = {
  subject: "api-key:key-7",
  kind: "partner",
  roles: [],
  scopes: ["crm:read", "crm:write"],
  apiKeyId: "key-7",
};

let database: Database;
beforeAll(async () => {
  database = await createMigratedDatabase([crm, operations]);
});
afterAll(() => database?.close());

const auditor = () => subgraphClient(operations, database.db, person("auditor@x", ["audit:read"]));

async function trail(entityId: string, extra: Record<string, unknown> = {}) {
  const result = await auditor().request(TRAIL, { entityType: "Customer", entityId, ...extra });
  if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
  return result.data.auditTrail;
}

/** A customer registered by alice, then changed by a partner, each under a known request id. */
async function customerChangedByTwoPrincipals() {
  const registerKey = newKey("register");
  const registered = await subgraphClient(crm, database.db, person("alice@x", ["*"])).request(
    REGISTER,
    { input: { idempotencyKey: registerKey, name: "Audited Ltd" } },
    { requestId: "req-alice-register" },
  );
  const customer = registered.data.registerCustomer.customer;
  const updateKey = newKey("update");
  const updated = await subgraphClient(crm, database.db, partner).request(
    UPDATE,
    {
      input: { idempotencyKey: updateKey, customerId: customer.id, expectedVersion: customer.version, name: "Renamed" },
    },
    { requestId: "req-partner-update" },
  );
  expect(updated.data.updateCustomerDetails.errors).toEqual([]);
  return { customer, registerKey, updateKey };
}

describe(`auditTrail on ${testDatabaseKind()}`, () => {
  it("lists an entity's actions newest first with who did them, their kind, key and request", async () => {
    const { customer, registerKey, updateKey } = await customerChangedByTwoPrincipals();
    await crmFactory(subgraphClient(crm, database.db, person("alice@x"))).customer(); // someone else's history

    const page = await trail(customer.id);

    expect(page.nodes.map((n: any) => [n.operation, n.actor, n.requestId, n.idempotencyKey, n.domain])).toEqual([
      [
        "updateCustomerDetails",
        { subject: "api-key:key-7", kind: "PARTNER", apiKeyId: "key-7" },
        "req-partner-update",
        updateKey,
        "crm",
      ],
      [
        "registerCustomer",
        { subject: "alice@x", kind: "PERSON", apiKeyId: null },
        "req-alice-register",
        registerKey,
        "crm",
      ],
    ]);
    expect(page.nodes.every((n: any) => n.entityType === "Customer" && n.entityId === customer.id)).toBe(true);
    expect(Date.parse(page.nodes[0].occurredAt)).toBeGreaterThanOrEqual(Date.parse(page.nodes[1].occurredAt));
    expect(JSON.parse(page.nodes[0].details)).toEqual({ changed: ["name"] });
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    // Recorded, not inferred from the subject's shape.
    const { rows } = await sql<{ actor_kind: string; api_key_id: string | null }>`
      select actor_kind, api_key_id from crm.audit_log where aggregate_id = ${customer.id} order by id`.execute(
      database.db,
    );
    expect(rows).toEqual([
      { actor_kind: "person", api_key_id: null },
      { actor_kind: "partner", api_key_id: "key-7" },
    ]);
  });

  it("pages with cursors, newest first, and never repeats or skips a record", async () => {
    const { customer } = await customerChangedByTwoPrincipals();
    const first = await trail(customer.id, { first: 1 });
    expect(first.nodes.map((n: any) => n.operation)).toEqual(["updateCustomerDetails"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await trail(customer.id, { first: 1, after: first.pageInfo.endCursor });
    expect(second.nodes.map((n: any) => n.operation)).toEqual(["registerCustomer"]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("reads every domain's audit log, and infers the kind of records written before it was kept", async () => {
    const { customer } = await customerChangedByTwoPrincipals();
    // A record older than the actor kind column: only the subject says who it was.
    await sql`insert into crm.audit_log (occurred_at, actor, operation, aggregate_type, aggregate_id, request_id)
      values (now() - interval '1 day', 'api-key:old-key', 'importCustomer', 'Customer', ${customer.id}, 'req-old')`.execute(
      database.db,
    );
    // Another domain's record about the same entity, written later by the platform itself.
    await runMaintenance(
      database.db,
      { domain: "operations", operation: "reviewCustomer", requestId: "req-job" },
      (s) => s.audit("Customer", customer.id),
    );

    const page = await trail(customer.id);

    expect(page.nodes.map((n: any) => [n.domain, n.operation, n.actor.kind, n.actor.apiKeyId])).toEqual([
      ["operations", "reviewCustomer", "SYSTEM", null],
      ["crm", "updateCustomerDetails", "PARTNER", "key-7"],
      ["crm", "registerCustomer", "PERSON", null],
      ["crm", "importCustomer", "PARTNER", "old-key"],
    ]);
  });

  it("refuses a caller without audit:read with FORBIDDEN and no data", async () => {
    const clerk = subgraphClient(operations, database.db, person("clerk@x", ["crm:read", "crm:write"]));
    const result = await clerk.request(TRAIL, { entityType: "Customer", entityId: "any" });
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(result.data).toBeNull();
  });

  it.each([
    ["an entity type that is not letters", { entityType: "Customer'; --" }, "entityType"],
    ["an entity type over 60 letters", { entityType: "C".repeat(61) }, "entityType"],
    ["a page over 100", { first: 101 }, "first"],
    ["a cursor of another list", { after: Buffer.from("ApiKey:12").toString("base64url") }, "after"],
  ])("refuses %s with BAD_USER_INPUT", async (_, args, field) => {
    const result = await auditor().request(TRAIL, { entityType: "Customer", entityId: "any", ...args });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toMatch(new RegExp(`^${field}\\b`));
    expect(result.data).toBeNull();
  });
});
