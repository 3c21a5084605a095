import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useCrm } from "./harness.js";

const env = useCrm();

const REGISTER = `mutation($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) {
    customer { id code name email status version billingAddress { city country } createdAt }
    errors { code field message }
  }
}`;

describe(`registerCustomer on ${testDatabaseKind()}`, () => {
  it("registers an ACTIVE customer with a generated code, an audit record and an outbox event", async () => {
    const [customersBefore, auditBefore, eventsBefore] = [
      await env.count("crm.customers"),
      await env.count("crm.audit_log"),
      await env.count("crm.outbox_events"),
    ];
    const key = newKey();
    const { data } = await env.client.request(REGISTER, {
      input: {
        idempotencyKey: key,
        name: "Acme GmbH",
        email: "ap@acme.example",
        billingAddress: { line1: "Hauptstr. 1", postalCode: "10115", city: "Berlin", country: "DE" },
      },
    });
    const customer = data.registerCustomer.customer;
    expect(data.registerCustomer.errors).toEqual([]);
    expect(customer).toMatchObject({
      name: "Acme GmbH",
      status: "ACTIVE",
      version: 1,
      billingAddress: { city: "Berlin", country: "DE" },
    });
    expect(customer.code).toMatch(/^C-\d{6}$/);
    expect(await env.count("crm.customers")).toBe(customersBefore + 1);
    expect(await env.count("crm.audit_log")).toBe(auditBefore + 1);
    expect(await env.count("crm.outbox_events")).toBe(eventsBefore + 1);
    const { rows } = await sql<{ idempotency_key: string; operation: string; actor: string }>`
      select idempotency_key, operation, actor from crm.audit_log where aggregate_id = ${customer.id}`.execute(
      env.database.db,
    );
    expect(rows).toEqual([{ idempotency_key: key, operation: "registerCustomer", actor: "tester@erp.local" }]);
  });

  it("returns the stored payload for a retried key and creates nothing more", async () => {
    const input = { idempotencyKey: newKey(), name: "Retry Ltd" };
    const first = await env.client.request(REGISTER, { input });
    const before = await env.count("crm.customers");
    const second = await env.client.request(REGISTER, { input });
    expect(second).toEqual(first);
    expect(await env.count("crm.customers")).toBe(before);
  });

  it("refuses IDEMPOTENCY_KEY_REUSED for the same key with different input, writing nothing", async () => {
    const key = newKey();
    await env.client.request(REGISTER, { input: { idempotencyKey: key, name: "First Co" } });
    const before = await env.count("crm.customers");
    const { data } = await env.client.request(REGISTER, { input: { idempotencyKey: key, name: "Second Co" } });
    expect(data.registerCustomer).toEqual({
      customer: null,
      errors: [expect.objectContaining({ code: "IDEMPOTENCY_KEY_REUSED", field: ["idempotencyKey"] })],
    });
    expect(await env.count("crm.customers")).toBe(before);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ name: "Ok", email: "not-an-email" }, "email"],
    [{ name: "Ok", code: "bad code!" }, "code"],
    [
      { name: "Ok", billingAddress: { line1: "a", postalCode: "1", city: "c", country: "Germany" } },
      "billingAddress.country",
    ],
    [{ name: "Ok", phone: "call me" }, "phone"],
  ])("refuses invalid input %j with VALIDATION_FAILED on %s and writes nothing", async (fields, field) => {
    const before = [
      await env.count("crm.customers"),
      await env.count("crm.audit_log"),
      await env.count("crm.idempotency_keys"),
    ];
    const { data } = await env.client.request(REGISTER, { input: { idempotencyKey: newKey(), ...fields } });
    expect(data.registerCustomer.customer).toBeNull();
    expect(data.registerCustomer.errors).toContainEqual(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: field.split(".") }),
    );
    expect([
      await env.count("crm.customers"),
      await env.count("crm.audit_log"),
      await env.count("crm.idempotency_keys"),
    ]).toEqual(before);
  });

  it("refuses a code another customer holds with CUSTOMER_CODE_TAKEN", async () => {
    await env.make.customer({ code: "DUP-1" });
    const before = await env.count("crm.customers");
    const { data } = await env.client.request(REGISTER, {
      input: { idempotencyKey: newKey(), name: "Dup", code: "DUP-1" },
    });
    expect(data.registerCustomer.errors).toEqual([
      expect.objectContaining({ code: "CUSTOMER_CODE_TAKEN", field: ["code"] }),
    ]);
    expect(await env.count("crm.customers")).toBe(before);
  });

  it("refuses an empty idempotency key", async () => {
    const { data } = await env.client.request(REGISTER, { input: { idempotencyKey: "", name: "No key" } });
    expect(data.registerCustomer.errors).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["idempotencyKey"] }),
    ]);
  });

  it("50 concurrent registrations with one key create exactly one customer and return 50 identical payloads", async () => {
    const before = await env.count("crm.customers");
    const input = { idempotencyKey: newKey("concurrent"), name: "Concurrent AG" };
    const results = await Promise.all(Array.from({ length: 50 }, () => env.client.request(REGISTER, { input })));
    expect(await env.count("crm.customers")).toBe(before + 1);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0]!.data.registerCustomer.customer.name).toBe("Concurrent AG");
  });
});
