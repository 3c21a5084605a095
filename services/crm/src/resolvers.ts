import { type ActionScope, assertIds, pageSize, present, runBusinessAction } from "@erp/core";
import { type Activity, logActivity } from "./activity.js";
import { addContact } from "./contact.js";
import type { CrmContext } from "./context.js";
import { blockCustomer, registerCustomer, unblockCustomer, updateCustomerDetails } from "./customer.js";
import type { CrmDatabase } from "./db.js";
import { crmUniqueViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { captureLead, convertLead, disqualifyLead, qualifyLead } from "./lead.js";
import type { ActivityTarget } from "./loaders.js";
import { advanceOpportunity, loseOpportunity, opportunityActions, winOpportunity } from "./opportunity.js";
import { findCustomerByCode, listCustomers, listLeads, listOpportunities } from "./queries.js";

type Input = { idempotencyKey: string } & Record<string, unknown>;

/** Every CRM mutation: the crm:write scope, one transaction, idempotent by its key. */
function act<P extends object>(
  ctx: CrmContext,
  operation: string,
  input: Input,
  work: (s: ActionScope<CrmDatabase>) => Promise<P>,
) {
  return runBusinessAction(ctx, { operation, input, uniqueViolations: crmUniqueViolations }, work);
}

const activitiesOf = (ctx: CrmContext, target: ActivityTarget, id: string, first: number | null | undefined) =>
  ctx.loaders.recentActivities.load({ target, id, first: pageSize(first) });

export const resolvers: Resolvers = {
  Query: {
    customer: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.customer.load(id)),
    customerByCode: async (_, { code }, ctx) => {
      return findCustomerByCode(ctx.db, code);
    },
    customers: (_, args, ctx) => listCustomers(ctx.db, args),
    lead: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.lead.load(id)),
    leads: (_, args, ctx) => listLeads(ctx.db, args),
    opportunity: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.opportunity.load(id)),
    opportunities: (_, args, ctx) => {
      assertIds({ "filter.customerId": args.filter?.customerId });
      return listOpportunities(ctx.db, args);
    },
  },
  Mutation: {
    registerCustomer: (_, { input }, ctx) =>
      act(ctx, "registerCustomer", input, async (s) => ({ customer: await registerCustomer(s, input) })),
    updateCustomerDetails: (_, { input }, ctx) =>
      act(ctx, "updateCustomerDetails", input, async (s) => ({ customer: await updateCustomerDetails(s, input) })),
    blockCustomer: (_, { input }, ctx) =>
      act(ctx, "blockCustomer", input, async (s) => ({ customer: await blockCustomer(s, input) })),
    unblockCustomer: (_, { input }, ctx) =>
      act(ctx, "unblockCustomer", input, async (s) => ({ customer: await unblockCustomer(s, input) })),
    addContact: (_, { input }, ctx) =>
      act(ctx, "addContact", input, async (s) => ({ contact: await addContact(s, input) })),
    captureLead: (_, { input }, ctx) =>
      act(ctx, "captureLead", input, async (s) => ({ lead: await captureLead(s, input) })),
    qualifyLead: (_, { input }, ctx) =>
      act(ctx, "qualifyLead", input, async (s) => ({ lead: await qualifyLead(s, input) })),
    disqualifyLead: (_, { input }, ctx) =>
      act(ctx, "disqualifyLead", input, async (s) => ({ lead: await disqualifyLead(s, input) })),
    convertLead: (_, { input }, ctx) => act(ctx, "convertLead", input, (s) => convertLead(s, input)),
    advanceOpportunity: (_, { input }, ctx) =>
      act(ctx, "advanceOpportunity", input, async (s) => ({ opportunity: await advanceOpportunity(s, input) })),
    winOpportunity: (_, { input }, ctx) =>
      act(ctx, "winOpportunity", input, async (s) => ({ opportunity: await winOpportunity(s, input) })),
    loseOpportunity: (_, { input }, ctx) =>
      act(ctx, "loseOpportunity", input, async (s) => ({ opportunity: await loseOpportunity(s, input) })),
    logActivity: (_, { input }, ctx) =>
      act(ctx, "logActivity", input, async (s) => ({ activity: await logActivity(s, input) })),
  },
  Customer: {
    __resolveReference: (ref, ctx) => ctx.loaders.customer.load(ref.id),
    contacts: (customer, _, ctx) => ctx.loaders.contactsOfCustomer.load(customer.id),
    opportunities: (customer, _, ctx) => ctx.loaders.opportunitiesOfCustomer.load(customer.id),
    activities: (customer, { first }, ctx) => activitiesOf(ctx, "customer_id", customer.id, first),
  },
  Contact: {
    customer: (contact, _, ctx) => present(ctx.loaders.customer.load(contact.customerId), "Customer"),
  },
  Lead: {
    convertedCustomer: (lead, _, ctx) =>
      lead.convertedCustomerId ? ctx.loaders.customer.load(lead.convertedCustomerId) : null,
    convertedOpportunity: (lead, _, ctx) =>
      lead.convertedOpportunityId ? ctx.loaders.opportunity.load(lead.convertedOpportunityId) : null,
    activities: (lead, { first }, ctx) => activitiesOf(ctx, "lead_id", lead.id, first),
  },
  Opportunity: {
    customer: (opportunity, _, ctx) => present(ctx.loaders.customer.load(opportunity.customerId), "Customer"),
    availableActions: (opportunity) => opportunityActions(opportunity.stage),
    activities: (opportunity, { first }, ctx) => activitiesOf(ctx, "opportunity_id", opportunity.id, first),
  },
  Activity: {
    customer: (a: Activity, _, ctx) => (a.customerId ? ctx.loaders.customer.load(a.customerId) : null),
    lead: (a: Activity, _, ctx) => (a.leadId ? ctx.loaders.lead.load(a.leadId) : null),
    opportunity: (a: Activity, _, ctx) => (a.opportunityId ? ctx.loaders.opportunity.load(a.opportunityId) : null),
  },
};
