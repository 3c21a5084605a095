import { actionResolvers, assertIds, capped, pageArgs, pageSize, present } from "@erp/core";
import { type Activity, logActivity } from "./activity.js";
import { addContact } from "./contact.js";
import type { CrmContext } from "./context.js";
import {
  assignAccountManager,
  blockCustomer,
  registerCustomer,
  unblockCustomer,
  updateCustomerDetails,
} from "./customer.js";
import { crmUniqueViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { captureLead, convertLead, disqualifyLead, qualifyLead } from "./lead.js";
import type { ActivityTarget } from "./loaders.js";
import { advanceOpportunity, loseOpportunity, opportunityActions, winOpportunity } from "./opportunity.js";
import { findCustomerByCode, listCustomers, listLeads, listOpportunities } from "./queries.js";

/** Every CRM mutation: the crm:write scope, one transaction, idempotent by its key. */
const act = actionResolvers<CrmContext>({ uniqueViolations: crmUniqueViolations });

const activitiesOf = (ctx: CrmContext, target: ActivityTarget, id: string, first: number | null | undefined) =>
  ctx.loaders.recentActivities.load({ target, id, first: pageSize(first) });

export const resolvers: Resolvers = {
  Query: {
    customer: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.customer.load(id)),
    customerByCode: async (_, { code }, ctx) => {
      return findCustomerByCode(ctx.db, code);
    },
    customers: (_, args, ctx, info) => (
      assertIds({ "filter.accountManagerId": args.filter?.accountManagerId }),
      listCustomers(ctx.db, pageArgs(args, info))
    ),
    lead: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.lead.load(id)),
    leads: (_, args, ctx, info) => listLeads(ctx.db, pageArgs(args, info)),
    opportunity: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.opportunity.load(id)),
    opportunities: (_, args, ctx, info) => {
      assertIds({ "filter.customerId": args.filter?.customerId });
      return listOpportunities(ctx.db, pageArgs(args, info));
    },
  },
  Mutation: {
    registerCustomer: act(async (s, input) => ({ customer: await registerCustomer(s, input) })),
    updateCustomerDetails: act(async (s, input) => ({ customer: await updateCustomerDetails(s, input) })),
    blockCustomer: act(async (s, input) => ({ customer: await blockCustomer(s, input) })),
    unblockCustomer: act(async (s, input) => ({ customer: await unblockCustomer(s, input) })),
    assignAccountManager: act(async (s, input) => ({ customer: await assignAccountManager(s, input) })),
    addContact: act(async (s, input) => ({ contact: await addContact(s, input) })),
    captureLead: act(async (s, input) => ({ lead: await captureLead(s, input) })),
    qualifyLead: act(async (s, input) => ({ lead: await qualifyLead(s, input) })),
    disqualifyLead: act(async (s, input) => ({ lead: await disqualifyLead(s, input) })),
    convertLead: act((s, input) => convertLead(s, input)),
    advanceOpportunity: act(async (s, input) => ({ opportunity: await advanceOpportunity(s, input) })),
    winOpportunity: act(async (s, input) => ({ opportunity: await winOpportunity(s, input) })),
    loseOpportunity: act(async (s, input) => ({ opportunity: await loseOpportunity(s, input) })),
    logActivity: act(async (s, input) => ({ activity: await logActivity(s, input) })),
  },
  Customer: {
    __resolveReference: (ref, ctx) => ctx.loaders.customer.load(ref.id),
    contacts: (customer, _, ctx) => capped(ctx.loaders.contactsOfCustomer.load(customer.id), 100),
    opportunities: (customer, _, ctx) => capped(ctx.loaders.opportunitiesOfCustomer.load(customer.id), 100),
    activities: (customer, { first }, ctx) => activitiesOf(ctx, "customer_id", customer.id, first),
    // A reference HR resolves; the gateway batches every customer's manager into one _entities call.
    accountManager: (customer) =>
      customer.accountManagerId ? { __typename: "Employee" as const, id: customer.accountManagerId } : null,
  },
  Contact: {
    customer: (contact, _, ctx) => present(ctx.loaders.customer.load(contact.customerId), "Customer"),
  },
  Lead: {
    __resolveReference: (ref, ctx) => ctx.loaders.lead.load(ref.id),
    convertedCustomer: (lead, _, ctx) =>
      lead.convertedCustomerId ? ctx.loaders.customer.load(lead.convertedCustomerId) : null,
    convertedOpportunity: (lead, _, ctx) =>
      lead.convertedOpportunityId ? ctx.loaders.opportunity.load(lead.convertedOpportunityId) : null,
    activities: (lead, { first }, ctx) => activitiesOf(ctx, "lead_id", lead.id, first),
  },
  Opportunity: {
    __resolveReference: (ref, ctx) => ctx.loaders.opportunity.load(ref.id),
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
