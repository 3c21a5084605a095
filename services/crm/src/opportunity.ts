import { OpportunityAdvanced, OpportunityLost, OpportunityOpened, OpportunityWon } from "@erp/contracts";
import { type ActionScope, defineStateMachine, fields, type Money, money, parseInput, sql } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { expectedCloseDateWindow } from "./config.js";
import { assertCustomerActive, lockCustomer } from "./customer.js";
import type { CrmDatabase, OpportunitiesTable, OpportunityStage } from "./db.js";
import { CrmErrorCode, notFound, refuse } from "./errors.js";

export type { OpportunityStage };

/** The sales pipeline: forward one stage at a time; WON from negotiation, LOST from any open stage. */
export const opportunityPipeline = defineStateMachine<OpportunityStage>("Opportunity", {
  PROSPECTING: ["PROPOSAL", "LOST"],
  PROPOSAL: ["NEGOTIATION", "LOST"],
  NEGOTIATION: ["WON", "LOST"],
  WON: [],
  LOST: [],
});

const NEXT_STAGE: Partial<Record<OpportunityStage, OpportunityStage>> = {
  PROSPECTING: "PROPOSAL",
  PROPOSAL: "NEGOTIATION",
};

/** Default probability per stage when the caller gives none. */
const STAGE_PROBABILITY: Record<OpportunityStage, number> = {
  PROSPECTING: 10,
  PROPOSAL: 40,
  NEGOTIATION: 70,
  WON: 100,
  LOST: 0,
};

export interface Opportunity {
  id: string;
  customerId: string;
  title: string;
  amount: Money;
  stage: OpportunityStage;
  probability: number;
  expectedCloseDate: string | null;
  lostReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toOpportunity(row: Selectable<OpportunitiesTable>): Opportunity {
  return {
    id: row.id,
    customerId: row.customer_id,
    title: row.title,
    amount: money(row.amount, row.currency.trim()),
    stage: row.stage,
    probability: row.probability,
    expectedCloseDate: row.expected_close_date,
    lostReason: row.lost_reason,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function opportunityActions(stage: OpportunityStage): ("ADVANCE" | "WIN" | "LOSE")[] {
  const next = opportunityPipeline.nextStates(stage);
  return [
    ...(NEXT_STAGE[stage] ? (["ADVANCE"] as const) : []),
    ...(next.includes("WON") ? (["WIN"] as const) : []),
    ...(next.includes("LOST") ? (["LOSE"] as const) : []),
  ];
}

export const openOpportunitySchema = z.object({
  title: fields.text("Title", 200),
  amount: fields.money({ allowZero: true }),
  expectedCloseDate: fields.dateWithin("Expected close date", expectedCloseDateWindow).nullish(),
});

/** Opens an opportunity inside an action that already holds the customer's lock. */
export async function openOpportunity(
  scope: ActionScope<CrmDatabase>,
  customerId: string,
  input: z.input<typeof openOpportunitySchema>,
): Promise<Opportunity> {
  const data = parseInput(openOpportunitySchema, input);
  const row = await scope.trx
    .insertInto("crm.opportunities")
    .values({
      customer_id: customerId,
      title: data.title,
      amount: data.amount.amount,
      currency: data.amount.currency,
      probability: STAGE_PROBABILITY.PROSPECTING,
      expected_close_date: data.expectedCloseDate ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const opportunity = toOpportunity(row);
  await scope.audit("Opportunity", opportunity.id, { customerId, amount: opportunity.amount });
  await scope.emit(OpportunityOpened, opportunity.id, {
    opportunityId: opportunity.id,
    customerId,
    amount: opportunity.amount,
  });
  return opportunity;
}

export async function lockOpportunity(trx: Transaction<CrmDatabase>, id: string) {
  const row = await trx.selectFrom("crm.opportunities").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(CrmErrorCode.OPPORTUNITY_NOT_FOUND, "The opportunity", "opportunityId");
}

const advanceSchema = z.object({
  opportunityId: fields.id("opportunityId"),
  toStage: z.enum(["PROSPECTING", "PROPOSAL", "NEGOTIATION", "WON", "LOST"]).nullish(),
  probability: z.number().int().min(0, "Probability is 0 to 100").max(100, "Probability is 0 to 100").nullish(),
});

export async function advanceOpportunity(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof advanceSchema>,
): Promise<Opportunity> {
  const data = parseInput(advanceSchema, input);
  const current = await lockOpportunity(scope.trx, data.opportunityId);
  if (data.toStage === "WON" || data.toStage === "LOST")
    refuse(CrmErrorCode.VALIDATION_FAILED, "Close an opportunity with winOpportunity or loseOpportunity", "toStage");
  const to = data.toStage ?? NEXT_STAGE[current.stage];
  if (!to) refuse(CrmErrorCode.INVALID_STATE_TRANSITION, `Opportunity cannot advance from ${current.stage}`);
  return moveOpportunity(scope, current, to, { probability: data.probability ?? STAGE_PROBABILITY[to] });
}

const winSchema = z.object({ opportunityId: fields.id("opportunityId") });

export async function winOpportunity(scope: ActionScope<CrmDatabase>, input: z.input<typeof winSchema>) {
  const data = parseInput(winSchema, input);
  const current = await lockOpportunity(scope.trx, data.opportunityId);
  // Winning new business with a blocked customer is refused; losing is always allowed.
  assertCustomerActive(await lockCustomer(scope.trx, current.customer_id));
  return moveOpportunity(scope, current, "WON", { probability: 100 });
}

const loseSchema = z.object({
  opportunityId: fields.id("opportunityId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

export async function loseOpportunity(scope: ActionScope<CrmDatabase>, input: z.input<typeof loseSchema>) {
  const data = parseInput(loseSchema, input);
  const current = await lockOpportunity(scope.trx, data.opportunityId);
  return moveOpportunity(scope, current, "LOST", { probability: 0, lost_reason: data.reason });
}

async function moveOpportunity(
  scope: ActionScope<CrmDatabase>,
  current: Selectable<OpportunitiesTable>,
  to: OpportunityStage,
  changes: { probability: number; lost_reason?: string },
): Promise<Opportunity> {
  opportunityPipeline.assertTransition(current.stage, to);
  const row = await scope.trx
    .updateTable("crm.opportunities")
    .set((eb) => ({ ...changes, stage: to, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const opportunity = toOpportunity(row);
  await scope.audit("Opportunity", opportunity.id, { from: current.stage, to });
  const event = to === "WON" ? OpportunityWon : to === "LOST" ? OpportunityLost : OpportunityAdvanced;
  await scope.emit(event, opportunity.id, {
    opportunityId: opportunity.id,
    customerId: opportunity.customerId,
    from: current.stage,
    to,
  });
  return opportunity;
}
