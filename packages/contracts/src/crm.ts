import { z } from "zod";
import { defineEvent, entityId, money } from "./contract.js";

const customerSnapshot = z.object({
  customerId: entityId,
  code: z.string(),
  name: z.string(),
  status: z.enum(["ACTIVE", "BLOCKED"]),
  /** Increases with every change, so a consumer keeps only the newest snapshot. */
  version: z.number().int().positive(),
});

const customerEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "crm", aggregateType: "Customer", payload: customerSnapshot });

export const CustomerRegistered = customerEvent("crm.customer.registered");
export const CustomerDetailsUpdated = customerEvent("crm.customer.details_updated");
export const CustomerUnblocked = customerEvent("crm.customer.unblocked");
export const CustomerBlocked = defineEvent({
  type: "crm.customer.blocked",
  version: 1,
  source: "crm",
  aggregateType: "Customer",
  payload: customerSnapshot.extend({ reason: z.string() }),
});

export const ContactAdded = defineEvent({
  type: "crm.contact.added",
  version: 1,
  source: "crm",
  aggregateType: "Customer",
  payload: z.object({ customerId: entityId, contactId: entityId }),
});

export const ActivityLogged = defineEvent({
  type: "crm.activity.logged",
  version: 1,
  source: "crm",
  aggregateType: "Activity",
  // Exactly one of the three targets is set.
  payload: z.object({
    activityId: entityId,
    kind: z.enum(["CALL", "EMAIL", "MEETING", "NOTE"]),
    customerId: entityId.optional(),
    leadId: entityId.optional(),
    opportunityId: entityId.optional(),
  }),
});

export const LeadCaptured = defineEvent({
  type: "crm.lead.captured",
  version: 1,
  source: "crm",
  aggregateType: "Lead",
  payload: z.object({ leadId: entityId }),
});

const leadStatus = z.enum(["NEW", "QUALIFIED", "CONVERTED", "DISQUALIFIED"]);
const leadMoved = z.object({
  leadId: entityId,
  from: leadStatus,
  to: leadStatus,
  disqualificationReason: z.string().optional(),
  convertedCustomerId: entityId.optional(),
  convertedOpportunityId: entityId.optional(),
});
const leadEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "crm", aggregateType: "Lead", payload: leadMoved });

export const LeadQualified = leadEvent("crm.lead.qualified");
export const LeadDisqualified = leadEvent("crm.lead.disqualified");
export const LeadConverted = leadEvent("crm.lead.converted");

export const OpportunityOpened = defineEvent({
  type: "crm.opportunity.opened",
  version: 1,
  source: "crm",
  aggregateType: "Opportunity",
  payload: z.object({ opportunityId: entityId, customerId: entityId, amount: money }),
});

const stage = z.enum(["PROSPECTING", "PROPOSAL", "NEGOTIATION", "WON", "LOST"]);
const opportunityMoved = z.object({ opportunityId: entityId, customerId: entityId, from: stage, to: stage });
const opportunityEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "crm", aggregateType: "Opportunity", payload: opportunityMoved });

export const OpportunityAdvanced = opportunityEvent("crm.opportunity.advanced");
export const OpportunityWon = opportunityEvent("crm.opportunity.won");
export const OpportunityLost = opportunityEvent("crm.opportunity.lost");

/** Every event CRM publishes. */
export const crmEvents = [
  CustomerRegistered,
  CustomerDetailsUpdated,
  CustomerBlocked,
  CustomerUnblocked,
  ContactAdded,
  ActivityLogged,
  LeadCaptured,
  LeadQualified,
  LeadDisqualified,
  LeadConverted,
  OpportunityOpened,
  OpportunityAdvanced,
  OpportunityWon,
  OpportunityLost,
] as const;
