import { isoDay } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { snapshot, useCrm } from "./harness.js";

const env = useCrm();

const REGISTER = `mutation($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id code name } errors { code field message } }
}`;
const LOG = `mutation($input: LogActivityInput!) {
  logActivity(input: $input) { activity { id occurredAt notes } errors { code field message } }
}`;
const CONVERT = `mutation($input: ConvertLeadInput!) {
  convertLead(input: $input) { opportunity { id expectedCloseDate } errors { code field message } }
}`;

/** Runs a mutation that must be refused and proves it wrote nothing in any CRM table. */
async function refused(query: string, input: Record<string, unknown>, root: string) {
  const before = await snapshot(env);
  const { data, errors } = await env.client.request(query, { input: { idempotencyKey: newKey(), ...input } });
  expect(errors).toBeUndefined();
  expect(await snapshot(env)).toEqual(before);
  return data[root].errors as { code: string; field: string[] | null; message: string }[];
}

describe(`CRM refuses implausible input on ${testDatabaseKind()}`, () => {
  it.each([
    ["NUL", "Acme\u0000GmbH"],
    ["BEL", "Acme\u0007GmbH"],
    ["ESC", "Acme\u001b[31mGmbH"],
    ["DEL", "Acme\u007fGmbH"],
    ["a C1 control", "Acme\u0085GmbH"],
    ["a right-to-left override", "Acme\u202eHbmG"],
    ["a bidi isolate", "Acme\u2066GmbH"],
    ["a line feed", "Acme\nGmbH"],
  ])("refuses a customer name with %s as VALIDATION_FAILED on name, writing nothing", async (_what, name) => {
    const errors = await refused(REGISTER, { name }, "registerCustomer");
    expect(errors).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["name"] })]);
    expect(errors[0]!.message).toMatch(/control characters/);
  });

  it("refuses control characters in codes, emails and addresses, naming each field", async () => {
    const errors = await refused(
      REGISTER,
      {
        code: "C-\u0000",
        name: "Acme",
        email: "a\u0007@acme.example",
        billingAddress: { line1: "Main St\u001b", postalCode: "10115", city: "Berlin", country: "DE" },
      },
      "registerCustomer",
    );
    expect(errors.map((e) => [e.code, e.field?.join(".")])).toEqual([
      ["VALIDATION_FAILED", "code"],
      ["VALIDATION_FAILED", "email"],
      ["VALIDATION_FAILED", "billingAddress.line1"],
    ]);
  });

  it("keeps tab and line breaks in free-text notes but refuses NUL and overrides there", async () => {
    const customer = await env.make.customer();
    const ok = await env.client.request(LOG, {
      input: { idempotencyKey: newKey(), kind: "NOTE", subject: "Call", notes: "a\tb\r\nc", customerId: customer.id },
    });
    expect(ok.data.logActivity.activity.notes).toBe("a\tb\r\nc");
    for (const notes of ["a\u0000b", "a\u202eb", "a\u0008b"]) {
      const errors = await refused(
        LOG,
        { kind: "NOTE", subject: "Call", notes, customerId: customer.id },
        "logActivity",
      );
      expect(errors).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["notes"] })]);
    }
  });

  it("refuses a control character in a search filter as BAD_USER_INPUT, not an internal error", async () => {
    const { errors } = await env.client.request(`{ customers(filter: { search: "a\\u0000b" }) { nodes { id } } }`);
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it.each([
    ["year 9999", "9999-12-31T00:00:00.000Z"],
    ["year 1900", "1900-01-01T00:00:00.000Z"],
    ["a week ahead", new Date(Date.now() + 7 * 86_400_000).toISOString()],
    ["six years ago", new Date(Date.now() - 6 * 366 * 86_400_000).toISOString()],
  ])("refuses an activity dated %s, naming occurredAt", async (_what, occurredAt) => {
    const customer = await env.make.customer();
    const errors = await refused(
      LOG,
      { kind: "CALL", subject: "Call", occurredAt, customerId: customer.id },
      "logActivity",
    );
    expect(errors).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["occurredAt"] })]);
  });

  it("logs an activity dated a year ago", async () => {
    const customer = await env.make.customer();
    const occurredAt = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const { data } = await env.client.request(LOG, {
      input: { idempotencyKey: newKey(), kind: "CALL", subject: "Call", occurredAt, customerId: customer.id },
    });
    expect(new Date(data.logActivity.activity.occurredAt).toISOString()).toBe(occurredAt);
  });

  it.each([
    ["last year", isoDay(-365)],
    ["year 9999", "9999-12-31"],
  ])("refuses an expected close date of %s when converting a lead, converting nothing", async (_what, date) => {
    const lead = await env.make.qualifiedLead();
    const errors = await refused(
      CONVERT,
      {
        leadId: lead.id,
        opportunityTitle: "Chairs",
        opportunityAmount: { amount: "10.00", currency: "EUR" },
        expectedCloseDate: date,
      },
      "convertLead",
    );
    expect(errors).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["expectedCloseDate"] })]);
  });

  it("refuses an opportunity amount beyond numeric(20, 4), naming the amount", async () => {
    const lead = await env.make.qualifiedLead();
    const errors = await refused(
      CONVERT,
      {
        leadId: lead.id,
        opportunityTitle: "Chairs",
        opportunityAmount: { amount: "10000000000000000", currency: "EUR" },
      },
      "convertLead",
    );
    expect(errors).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["opportunityAmount", "amount"] }),
    ]);
  });
});

describe(`CRM stores SQL-looking text literally on ${testDatabaseKind()}`, () => {
  it.each([
    "'; drop table crm.customers; --",
    "Robert'); DELETE FROM crm.customers; --",
    "x' OR '1'='1",
    "100% _wild\\card_",
  ])("registers %s as a name, finds it by search, and every table is intact", async (name) => {
    const before = await env.count("crm.customers");
    const tables = await env.count("information_schema.tables", "table_schema = 'crm'");
    const { data } = await env.client.request(REGISTER, { input: { idempotencyKey: newKey(), name } });
    expect(data.registerCustomer.errors).toEqual([]);
    expect(data.registerCustomer.customer.name).toBe(name);
    const found = await env.client.request(
      `query($s: String!) { customers(first: 100, filter: { search: $s }) { nodes { id name } } }`,
      { s: name },
    );
    expect(found.data.customers.nodes).toEqual([{ id: data.registerCustomer.customer.id, name }]);
    expect(await env.count("crm.customers")).toBe(before + 1);
    expect(await env.count("information_schema.tables", "table_schema = 'crm'")).toBe(tables);
  });
});
