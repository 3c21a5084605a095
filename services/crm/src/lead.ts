import { LeadCaptured, LeadConverted, LeadDisqualified, LeadQualified } from "@erp/contracts";
import { type ActionScope, defineStateMachine, fields, parseInput, sql } from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { expectedCloseDateWindow } from "./config.js";
import { type Customer, customerCode, registerCustomer } from "./customer.js";
import type { CrmDatabase, LeadStatus, LeadsTable } from "./db.js";
import { CrmErrorCode, notFound } from "./errors.js";
import { type Opportunity, openOpportunity } from "./opportunity.js";

export type { LeadStatus };

/** NEW → QUALIFIED → CONVERTED, or DISQUALIFIED from NEW or QUALIFIED. */
export const leadLifecycle = defineStateMachine<LeadStatus>("Lead", {
  NEW: ["QUALIFIED", "DISQUALIFIED"],
  QUALIFIED: ["CONVERTED", "DISQUALIFIED"],
  CONVERTED: [],
  DISQUALIFIED: [],
});

const ACTION_OF: Record<LeadStatus, "QUALIFY" | "CONVERT" | "DISQUALIFY" | undefined> = {
  NEW: undefined,
  QUALIFIED: "QUALIFY",
  CONVERTED: "CONVERT",
  DISQUALIFIED: "DISQUALIFY",
};

export interface Lead {
  id: string;
  name: string;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  source: string | null;
  status: LeadStatus;
  disqualificationReason: string | null;
  convertedCustomerId: string | null;
  convertedOpportunityId: string | null;
  availableActions: ("QUALIFY" | "CONVERT" | "DISQUALIFY")[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toLead(row: Selectable<LeadsTable>): Lead {
  return {
    id: row.id,
    name: row.name,
    companyName: row.company_name,
    email: row.email,
    phone: row.phone,
    source: row.source,
    status: row.status,
    disqualificationReason: row.disqualification_reason,
    convertedCustomerId: row.converted_customer_id,
    convertedOpportunityId: row.converted_opportunity_id,
    availableActions: leadLifecycle.nextStates(row.status).flatMap((s) => ACTION_OF[s] ?? []),
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

const captureSchema = z.object({
  name: fields.text("Name", 200),
  companyName: fields.optionalText("Company name", 200),
  email: fields.email().nullish(),
  phone: fields.phone().nullish(),
  source: fields.optionalText("Source", 100),
});

export async function captureLead(scope: ActionScope<CrmDatabase>, input: z.input<typeof captureSchema>) {
  const data = parseInput(captureSchema, input);
  const row = await scope.trx
    .insertInto("crm.leads")
    .values({
      name: data.name,
      company_name: data.companyName,
      email: data.email ?? null,
      phone: data.phone ?? null,
      source: data.source,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const lead = toLead(row);
  await scope.audit("Lead", lead.id, { name: lead.name });
  await scope.emit(LeadCaptured, lead.id, { leadId: lead.id });
  return lead;
}

async function lockLead(trx: Transaction<CrmDatabase>, id: string) {
  const row = await trx.selectFrom("crm.leads").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(CrmErrorCode.LEAD_NOT_FOUND, "The lead", "leadId");
}

type LeadChanges = Partial<{
  disqualification_reason: string;
  converted_customer_id: string;
  converted_opportunity_id: string;
}>;

/** The event of each status a lead can move to. */
const LEAD_EVENTS = {
  QUALIFIED: LeadQualified,
  DISQUALIFIED: LeadDisqualified,
  CONVERTED: LeadConverted,
} as const;

async function moveLead(
  scope: ActionScope<CrmDatabase>,
  current: Selectable<LeadsTable>,
  to: keyof typeof LEAD_EVENTS,
  changes: LeadChanges = {},
): Promise<Lead> {
  leadLifecycle.assertTransition(current.status, to);
  const row = await scope.trx
    .updateTable("crm.leads")
    .set((eb) => ({ ...changes, status: to, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const lead = toLead(row);
  await scope.audit("Lead", lead.id, { from: current.status, to });
  await scope.emit(LEAD_EVENTS[to], lead.id, {
    leadId: lead.id,
    from: current.status,
    to,
    disqualificationReason: changes.disqualification_reason,
    convertedCustomerId: changes.converted_customer_id,
    convertedOpportunityId: changes.converted_opportunity_id,
  });
  return lead;
}

const leadIdSchema = z.object({ leadId: fields.id("leadId") });

export async function qualifyLead(scope: ActionScope<CrmDatabase>, input: z.input<typeof leadIdSchema>) {
  const data = parseInput(leadIdSchema, input);
  return moveLead(scope, await lockLead(scope.trx, data.leadId), "QUALIFIED");
}

const disqualifySchema = leadIdSchema.extend({ reason: fields.text("Reason", 500, { multiline: true }) });

export async function disqualifyLead(scope: ActionScope<CrmDatabase>, input: z.input<typeof disqualifySchema>) {
  const data = parseInput(disqualifySchema, input);
  const current = await lockLead(scope.trx, data.leadId);
  return moveLead(scope, current, "DISQUALIFIED", { disqualification_reason: data.reason });
}

const convertSchema = leadIdSchema.extend({
  customerCode: customerCode().nullish(),
  customerName: fields.optionalText("Customer name", 200),
  opportunityTitle: fields.text("Opportunity title", 200),
  opportunityAmount: fields.money({ allowZero: true }),
  expectedCloseDate: fields.dateWithin("Expected close date", expectedCloseDateWindow).nullish(),
});

export interface LeadConversion {
  lead: Lead;
  customer: Customer;
  opportunity: Opportunity;
}

/** One transaction: the customer, its opening opportunity and the converted lead, or nothing. */
export async function convertLead(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof convertSchema>,
): Promise<LeadConversion> {
  const data = parseInput(convertSchema, input);
  const current = await lockLead(scope.trx, data.leadId);
  leadLifecycle.assertTransition(current.status, "CONVERTED");
  const customer = await registerCustomer(scope, {
    code: data.customerCode,
    name: data.customerName ?? current.company_name ?? current.name,
    email: current.email,
    phone: current.phone,
  });
  const opportunity = await openOpportunity(scope, customer.id, opportunityInput(data));
  const lead = await moveLead(scope, current, "CONVERTED", {
    converted_customer_id: customer.id,
    converted_opportunity_id: opportunity.id,
  });
  return { lead, customer, opportunity };
}

function opportunityInput(data: z.infer<typeof convertSchema>) {
  return { title: data.opportunityTitle, amount: data.opportunityAmount, expectedCloseDate: data.expectedCloseDate };
}
