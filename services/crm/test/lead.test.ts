import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { snapshot, useCrm } from "./harness.js";

const env = useCrm();
const LEAD =
  "lead { id status availableActions disqualificationReason version convertedCustomer { code name } convertedOpportunity { title stage amount { amount currency } } }";
const ERR = "errors { code field message }";

const qualify = (leadId: string, key = newKey()) =>
  env.client.request(`mutation($i: QualifyLeadInput!) { qualifyLead(input: $i) { ${LEAD} ${ERR} } }`, {
    i: { idempotencyKey: key, leadId },
  });
const disqualify = (leadId: string, reason = "No budget") =>
  env.client.request(`mutation($i: DisqualifyLeadInput!) { disqualifyLead(input: $i) { ${LEAD} ${ERR} } }`, {
    i: { idempotencyKey: newKey(), leadId, reason },
  });
const convert = (leadId: string, extra: Record<string, unknown> = {}) =>
  env.client.request(
    `mutation($i: ConvertLeadInput!) { convertLead(input: $i) { ${LEAD} customer { id code name email } opportunity { id stage probability customer { name } } ${ERR} } }`,
    {
      i: {
        idempotencyKey: newKey(),
        leadId,
        opportunityTitle: "Shelving",
        opportunityAmount: { amount: "1500.50", currency: "EUR" },
        ...extra,
      },
    },
  );

describe(`leads on ${testDatabaseKind()}`, () => {
  it("captures a NEW lead that can be qualified or disqualified", async () => {
    const { data } = await env.client.request(
      `mutation { captureLead(input: { idempotencyKey: "${newKey()}", name: "Ada", companyName: "Ada Ltd", email: "ada@ada.example", source: "Web form" }) { ${LEAD} ${ERR} } }`,
    );
    expect(data.captureLead.errors).toEqual([]);
    expect(data.captureLead.lead).toMatchObject({
      status: "NEW",
      availableActions: ["QUALIFY", "DISQUALIFY"],
      version: 1,
    });
  });

  it("refuses a lead without a name or with a bad email, writing nothing", async () => {
    const before = await snapshot(env);
    const { data } = await env.client.request(
      `mutation { captureLead(input: { idempotencyKey: "${newKey()}", name: "  ", email: "x@" }) { lead { id } ${ERR} } }`,
    );
    expect(data.captureLead.errors.map((e: any) => e.field?.join(".")).sort()).toEqual(["email", "name"]);
    expect(await snapshot(env)).toEqual(before);
  });

  it("qualifies a NEW lead and refuses to qualify it again, naming from and to", async () => {
    const lead = await env.make.lead();
    const ok = await qualify(lead.id);
    expect(ok.data.qualifyLead.lead).toMatchObject({
      status: "QUALIFIED",
      availableActions: ["CONVERT", "DISQUALIFY"],
      version: 2,
    });
    const again = await qualify(lead.id);
    expect(again.data.qualifyLead.errors).toEqual([
      { code: "INVALID_STATE_TRANSITION", field: null, message: "Lead cannot move from QUALIFIED to QUALIFIED" },
    ]);
  });

  it("disqualifies with a reason, after which nothing more is possible", async () => {
    const lead = await env.make.qualifiedLead();
    const { data } = await disqualify(lead.id, "Went with a competitor");
    expect(data.disqualifyLead.lead).toMatchObject({
      status: "DISQUALIFIED",
      disqualificationReason: "Went with a competitor",
      availableActions: [],
    });
    expect((await convert(lead.id)).data.convertLead.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("converts a QUALIFIED lead into a customer and a PROSPECTING opportunity in one step", async () => {
    const lead = await env.make.qualifiedLead({
      name: "Grace",
      companyName: "Grace Corp",
      email: "grace@grace.example",
    });
    const [customersBefore, opportunitiesBefore] = [
      await env.count("crm.customers"),
      await env.count("crm.opportunities"),
    ];
    const { data } = await convert(lead.id);
    const result = data.convertLead;
    expect(result.errors).toEqual([]);
    expect(result.customer).toMatchObject({ name: "Grace Corp", email: "grace@grace.example" });
    expect(result.opportunity).toMatchObject({
      stage: "PROSPECTING",
      probability: 10,
      customer: { name: "Grace Corp" },
    });
    expect(result.lead).toMatchObject({
      status: "CONVERTED",
      convertedCustomer: { code: result.customer.code, name: "Grace Corp" },
      convertedOpportunity: { title: "Shelving", stage: "PROSPECTING", amount: { amount: "1500.50", currency: "EUR" } },
    });
    expect([await env.count("crm.customers"), await env.count("crm.opportunities")]).toEqual([
      customersBefore + 1,
      opportunitiesBefore + 1,
    ]);
  });

  it("refuses to convert a NEW lead", async () => {
    const lead = await env.make.lead();
    const { data } = await convert(lead.id);
    expect(data.convertLead.errors[0]).toMatchObject({
      code: "INVALID_STATE_TRANSITION",
      message: "Lead cannot move from NEW to CONVERTED",
    });
  });

  it("a conversion failing halfway (customer code taken) leaves the lead QUALIFIED and creates nothing", async () => {
    await env.make.customer({ code: "TAKEN-1" });
    const lead = await env.make.qualifiedLead();
    const before = await snapshot(env);
    const { data } = await convert(lead.id, { customerCode: "TAKEN-1" });
    expect(data.convertLead.errors).toEqual([
      expect.objectContaining({ code: "CUSTOMER_CODE_TAKEN", field: ["code"] }),
    ]);
    expect(await snapshot(env)).toEqual(before);
    const reread = await env.client.request(`query($id: ID!) { lead(id: $id) { status } }`, { id: lead.id });
    expect(reread.data.lead.status).toBe("QUALIFIED");
  });

  it.each([
    [{ opportunityAmount: { amount: "10.001", currency: "EUR" } }, "opportunityAmount.amount"],
    [{ opportunityAmount: { amount: "-5.00", currency: "EUR" } }, "opportunityAmount.amount"],
    [{ opportunityAmount: { amount: "5", currency: "JPY" }, opportunityTitle: "" }, "opportunityTitle"],
  ])("refuses conversion input %j on %s, writing nothing", async (extra, field) => {
    const lead = await env.make.qualifiedLead();
    const before = await snapshot(env);
    const { data } = await convert(lead.id, extra);
    expect(data.convertLead.errors).toContainEqual(
      expect.objectContaining({ code: "VALIDATION_FAILED", field: field.split(".") }),
    );
    expect(await snapshot(env)).toEqual(before);
  });

  it("rejects an unknown currency or a float amount as GraphQL input errors", async () => {
    const lead = await env.make.qualifiedLead();
    const unknown = await convert(lead.id, { opportunityAmount: { amount: "5.00", currency: "XYZ" } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const float = await convert(lead.id, { opportunityAmount: { amount: 5.5, currency: "EUR" } });
    expect(float.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers LEAD_NOT_FOUND for an unknown lead and VALIDATION_FAILED for a malformed id", async () => {
    const unknown = await qualify("00000000-0000-4000-8000-000000000000");
    expect(unknown.data.qualifyLead.errors).toEqual([
      { code: "LEAD_NOT_FOUND", field: ["leadId"], message: "The lead does not exist" },
    ]);
    const malformed = await qualify("lead-1");
    expect(malformed.data.qualifyLead.errors[0]).toMatchObject({ code: "VALIDATION_FAILED", field: ["leadId"] });
  });

  it("refuses IDEMPOTENCY_KEY_REUSED when one key is used for two different leads", async () => {
    const [a, b] = [await env.make.lead(), await env.make.lead()];
    const key = newKey();
    await qualify(a.id, key);
    const reused = await qualify(b.id, key);
    expect(reused.data.qualifyLead.errors[0].code).toBe("IDEMPOTENCY_KEY_REUSED");
    const reread = await env.client.request(`query($id: ID!) { lead(id: $id) { status } }`, { id: b.id });
    expect(reread.data.lead.status).toBe("NEW");
  });
});
