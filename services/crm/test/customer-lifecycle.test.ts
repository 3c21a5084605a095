import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { snapshot, useCrm } from "./harness.js";

const env = useCrm();
const CUSTOMER =
  "customer { id name email phone status blockedReason version billingAddress { line1 city country } } errors { code field message }";
const UNKNOWN = "00000000-0000-4000-8000-0000000000ff";

const update = (input: Record<string, unknown>) =>
  env.client.request(`mutation($i: UpdateCustomerDetailsInput!) { updateCustomerDetails(input: $i) { ${CUSTOMER} } }`, {
    i: { idempotencyKey: newKey(), ...input },
  });
const block = (customerId: string, reason = "Unpaid invoices") =>
  env.client.request(`mutation($i: BlockCustomerInput!) { blockCustomer(input: $i) { ${CUSTOMER} } }`, {
    i: { idempotencyKey: newKey(), customerId, reason },
  });
const unblock = (customerId: string) =>
  env.client.request(`mutation($i: UnblockCustomerInput!) { unblockCustomer(input: $i) { ${CUSTOMER} } }`, {
    i: { idempotencyKey: newKey(), customerId },
  });
const addContact = (input: Record<string, unknown>) =>
  env.client.request(
    `mutation($i: AddContactInput!) { addContact(input: $i) { contact { name jobTitle customer { id } } errors { code field message } } }`,
    {
      i: { idempotencyKey: newKey(), ...input },
    },
  );
const logActivity = (input: Record<string, unknown>) =>
  env.client.request(
    `mutation($i: LogActivityInput!) { logActivity(input: $i) { activity { kind subject loggedBy customer { id } lead { id } opportunity { id } } errors { code field message } } }`,
    { i: { idempotencyKey: newKey(), kind: "NOTE", subject: "Note", ...input } },
  );

describe(`customer details, blocking, contacts and activities on ${testDatabaseKind()}`, () => {
  it("updates only the given details and bumps the version", async () => {
    const customer = await env.make.customer({ phone: "+49 30 1234" });
    const { data } = await update({
      customerId: customer.id,
      expectedVersion: 1,
      name: "Renamed AG",
      billingAddress: { line1: "Ring 2", postalCode: "80331", city: "München", country: "DE" },
    });
    expect(data.updateCustomerDetails.errors).toEqual([]);
    expect(data.updateCustomerDetails.customer).toMatchObject({
      name: "Renamed AG",
      phone: "+49 30 1234",
      version: 2,
      billingAddress: { city: "München" },
    });
  });

  it("refuses a stale expectedVersion with VERSION_CONFLICT and keeps the customer as it was", async () => {
    const customer = await env.make.customer();
    await update({ customerId: customer.id, expectedVersion: 1, name: "First edit" });
    const before = await snapshot(env);
    const { data } = await update({ customerId: customer.id, expectedVersion: 1, name: "Lost update" });
    expect(data.updateCustomerDetails.errors).toEqual([
      expect.objectContaining({ code: "VERSION_CONFLICT", field: ["expectedVersion"] }),
    ]);
    expect(await snapshot(env)).toEqual(before);
  });

  it("two concurrent edits from the same version: exactly one wins", async () => {
    const customer = await env.make.customer();
    const results = await Promise.all(
      ["Edit A", "Edit B"].map((name) => update({ customerId: customer.id, expectedVersion: 1, name })),
    );
    const codes = results.map((r) => r.data.updateCustomerDetails.errors[0]?.code ?? "OK").sort();
    expect(codes).toEqual(["OK", "VERSION_CONFLICT"]);
  });

  it("refuses unknown, malformed and invalid updates", async () => {
    expect(
      (await update({ customerId: UNKNOWN, expectedVersion: 1, name: "x" })).data.updateCustomerDetails.errors[0].code,
    ).toBe("CUSTOMER_NOT_FOUND");
    expect((await update({ customerId: "42", expectedVersion: 1 })).data.updateCustomerDetails.errors[0].field).toEqual(
      ["customerId"],
    );
    const customer = await env.make.customer();
    expect(
      (await update({ customerId: customer.id, expectedVersion: 1, email: "bad" })).data.updateCustomerDetails.errors[0]
        .field,
    ).toEqual(["email"]);
  });

  it("blocks with a reason and unblocks; blocking twice is an invalid transition", async () => {
    const customer = await env.make.customer();
    const blocked = await block(customer.id);
    expect(blocked.data.blockCustomer.customer).toMatchObject({
      status: "BLOCKED",
      blockedReason: "Unpaid invoices",
      version: 2,
    });
    expect((await block(customer.id)).data.blockCustomer.errors[0].message).toBe(
      "Customer cannot move from BLOCKED to BLOCKED",
    );
    const active = await unblock(customer.id);
    expect(active.data.unblockCustomer.customer).toMatchObject({ status: "ACTIVE", blockedReason: null, version: 3 });
    expect((await unblock(customer.id)).data.unblockCustomer.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    expect((await block(UNKNOWN)).data.blockCustomer.errors[0].code).toBe("CUSTOMER_NOT_FOUND");
    expect((await block(customer.id, "")).data.blockCustomer.errors[0].field).toEqual(["reason"]);
  });

  it("adds contacts to a customer and refuses them for unknown customers or with bad emails", async () => {
    const customer = await env.make.customer();
    const ok = await addContact({ customerId: customer.id, name: "Jo", jobTitle: "Buyer" });
    expect(ok.data.addContact.contact).toEqual({ name: "Jo", jobTitle: "Buyer", customer: { id: customer.id } });
    const before = await snapshot(env);
    expect((await addContact({ customerId: UNKNOWN, name: "Jo" })).data.addContact.errors[0].code).toBe(
      "CUSTOMER_NOT_FOUND",
    );
    expect(
      (await addContact({ customerId: customer.id, name: "Jo", email: "jo@" })).data.addContact.errors[0].field,
    ).toEqual(["email"]);
    expect(await snapshot(env)).toEqual(before);
  });

  it("logs activities on a customer, a lead or an opportunity, exactly one of them", async () => {
    const [customer, lead, opp] = [await env.make.customer(), await env.make.lead(), await env.make.opportunity()];
    const onCustomer = await logActivity({ kind: "CALL", customerId: customer.id });
    expect(onCustomer.data.logActivity.activity).toMatchObject({
      kind: "CALL",
      loggedBy: "tester@erp.local",
      customer: { id: customer.id },
      lead: null,
    });
    expect((await logActivity({ leadId: lead.id })).data.logActivity.activity.lead).toEqual({ id: lead.id });
    expect((await logActivity({ opportunityId: opp.id })).data.logActivity.activity.opportunity).toEqual({
      id: opp.id,
    });
    const before = await snapshot(env);
    expect((await logActivity({ customerId: customer.id, leadId: lead.id })).data.logActivity.errors[0].code).toBe(
      "VALIDATION_FAILED",
    );
    expect((await logActivity({})).data.logActivity.errors[0].code).toBe("VALIDATION_FAILED");
    expect((await logActivity({ leadId: UNKNOWN })).data.logActivity.errors[0].code).toBe("LEAD_NOT_FOUND");
    expect(await snapshot(env)).toEqual(before);
  });
});
