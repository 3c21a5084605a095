import { assertSearchText, type Connection, keysetPage, type PageArgs } from "@erp/core";
import type { Kysely } from "kysely";
import { type Customer, type CustomerStatus, toCustomer } from "./customer.js";
import type { CrmDatabase } from "./db.js";
import { type Lead, type LeadStatus, toLead } from "./lead.js";
import { type Opportunity, type OpportunityStage, toOpportunity } from "./opportunity.js";

/** An ILIKE pattern matching the search literally; control characters are refused, never sent. */
function likePattern(search: string) {
  assertSearchText(search, "filter.search");
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listCustomers(
  db: Kysely<CrmDatabase>,
  args: PageArgs & {
    filter?: { status?: CustomerStatus | null; search?: string | null; accountManagerId?: string | null } | null;
  },
): Promise<Connection<Customer>> {
  const page = keysetPage({ kind: "Customer", order: "oldest first" }, args);
  const { status, search, accountManagerId } = args.filter ?? {};
  let query = db.selectFrom("crm.customers").selectAll();
  if (status) query = query.where("status", "=", status);
  if (accountManagerId) query = query.where("account_manager_id", "=", accountManagerId);
  if (search?.trim()) {
    const pattern = likePattern(search.trim());
    query = query.where((eb) =>
      eb.or([eb("name", "ilike", pattern), eb("code", "ilike", pattern), eb("email", "ilike", pattern)]),
    );
  }
  return page.fetch(query, toCustomer);
}

export async function listLeads(
  db: Kysely<CrmDatabase>,
  args: PageArgs & { filter?: { status?: LeadStatus | null; search?: string | null } | null },
): Promise<Connection<Lead>> {
  const page = keysetPage({ kind: "Lead", order: "oldest first" }, args);
  const { status, search } = args.filter ?? {};
  let query = db.selectFrom("crm.leads").selectAll();
  if (status) query = query.where("status", "=", status);
  if (search?.trim()) {
    const pattern = likePattern(search.trim());
    query = query.where((eb) =>
      eb.or([eb("name", "ilike", pattern), eb("company_name", "ilike", pattern), eb("email", "ilike", pattern)]),
    );
  }
  return page.fetch(query, toLead);
}

export async function listOpportunities(
  db: Kysely<CrmDatabase>,
  args: PageArgs & { filter?: { stage?: OpportunityStage | null; customerId?: string | null } | null },
): Promise<Connection<Opportunity>> {
  const page = keysetPage({ kind: "Opportunity", order: "oldest first" }, args);
  const { stage, customerId } = args.filter ?? {};
  let query = db.selectFrom("crm.opportunities").selectAll();
  if (stage) query = query.where("stage", "=", stage);
  if (customerId) query = query.where("customer_id", "=", customerId);
  return page.fetch(query, toOpportunity);
}

export async function findCustomerByCode(db: Kysely<CrmDatabase>, code: string): Promise<Customer | null> {
  const row = await db.selectFrom("crm.customers").selectAll().where("code", "=", code).executeTakeFirst();
  return row ? toCustomer(row) : null;
}
