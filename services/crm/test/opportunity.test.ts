import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { snapshot, useCrm } from "./harness.js";

const env = useCrm();
const OPP = "opportunity { id stage probability lostReason availableActions version } errors { code field message }";

const advance = (opportunityId: string, extra: Record<string, unknown> = {}) =>
  env.client.request(`mutation($i: AdvanceOpportunityInput!) { advanceOpportunity(input: $i) { ${OPP} } }`, {
    i: { idempotencyKey: newKey(), opportunityId, ...extra },
  });
const win = (opportunityId: string) =>
  env.client.request(`mutation($i: WinOpportunityInput!) { winOpportunity(input: $i) { ${OPP} } }`, {
    i: { idempotencyKey: newKey(), opportunityId },
  });
const lose = (opportunityId: string, reason: string) =>
  env.client.request(`mutation($i: LoseOpportunityInput!) { loseOpportunity(input: $i) { ${OPP} } }`, {
    i: { idempotencyKey: newKey(), opportunityId, reason },
  });

describe(`opportunities on ${testDatabaseKind()}`, () => {
  it("advances stage by stage with default probabilities, then is won", async () => {
    const opp = await env.make.opportunity();
    const proposal = await advance(opp.id);
    expect(proposal.data.advanceOpportunity.opportunity).toMatchObject({
      stage: "PROPOSAL",
      probability: 40,
      availableActions: ["ADVANCE", "LOSE"],
    });
    const negotiation = await advance(opp.id, { probability: 85 });
    expect(negotiation.data.advanceOpportunity.opportunity).toMatchObject({
      stage: "NEGOTIATION",
      probability: 85,
      availableActions: ["WIN", "LOSE"],
    });
    const won = await win(opp.id);
    expect(won.data.winOpportunity.opportunity).toMatchObject({
      stage: "WON",
      probability: 100,
      availableActions: [],
      version: 4,
    });
  });

  it("refuses to win from PROSPECTING, naming from and to, and changes nothing", async () => {
    const opp = await env.make.opportunity();
    const before = await snapshot(env);
    const { data } = await win(opp.id);
    expect(data.winOpportunity).toEqual({
      opportunity: null,
      errors: [
        { code: "INVALID_STATE_TRANSITION", field: null, message: "Opportunity cannot move from PROSPECTING to WON" },
      ],
    });
    expect(await snapshot(env)).toEqual(before);
  });

  it("refuses to skip a stage or to close through advanceOpportunity", async () => {
    const opp = await env.make.opportunity();
    expect((await advance(opp.id, { toStage: "NEGOTIATION" })).data.advanceOpportunity.errors[0].message).toBe(
      "Opportunity cannot move from PROSPECTING to NEGOTIATION",
    );
    expect((await advance(opp.id, { toStage: "WON" })).data.advanceOpportunity.errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      field: ["toStage"],
    });
  });

  it("loses from any open stage with a reason; a lost opportunity cannot advance", async () => {
    const opp = await env.make.opportunity();
    await advance(opp.id);
    const lost = await lose(opp.id, "Price too high");
    expect(lost.data.loseOpportunity.opportunity).toMatchObject({
      stage: "LOST",
      probability: 0,
      lostReason: "Price too high",
    });
    expect((await advance(opp.id)).data.advanceOpportunity.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    expect((await lose(opp.id, "again")).data.loseOpportunity.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("refuses to win business with a BLOCKED customer", async () => {
    const opp = await env.make.opportunity();
    await advance(opp.id);
    await advance(opp.id);
    await env.client.request(`mutation($i: BlockCustomerInput!) { blockCustomer(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), customerId: opp.customer.id, reason: "Fraud check" },
    });
    const { data } = await win(opp.id);
    expect(data.winOpportunity.errors[0]).toMatchObject({ code: "CUSTOMER_BLOCKED", field: ["customerId"] });
    const reread = await env.client.request(`query($id: ID!) { opportunity(id: $id) { stage } }`, { id: opp.id });
    expect(reread.data.opportunity.stage).toBe("NEGOTIATION");
  });

  it("refuses a probability outside 0..100, an empty loss reason and unknown ids", async () => {
    const opp = await env.make.opportunity();
    expect((await advance(opp.id, { probability: 150 })).data.advanceOpportunity.errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      field: ["probability"],
    });
    expect((await lose(opp.id, "")).data.loseOpportunity.errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      field: ["reason"],
    });
    expect((await win("00000000-0000-4000-8000-000000000001")).data.winOpportunity.errors[0].code).toBe(
      "OPPORTUNITY_NOT_FOUND",
    );
  });
});
