import {
  assertQueryDate,
  atLeast,
  atMost,
  below,
  type Connection,
  contains,
  defineKeyset,
  equals,
  keysetPage,
  narrow,
  oneOf,
  type PageArgs,
  sql,
} from "@erp/core";
import type { Kysely } from "kysely";
import { type Customer, type CustomerStatus, toCustomer } from "./customer.js";
import type { CrmDatabase } from "./db.js";
import { type Lead, type LeadStatus, toLead } from "./lead.js";
import { type Opportunity, type OpportunityStage, toOpportunity } from "./opportunity.js";

const customerOrder = defineKeyset(
  "Customer",
  { CREATED: "seq", NAME: "name", CODE: "code", STATUS: "status" },
  "CREATED ASC",
);
const leadOrder = defineKeyset(
  "Lead",
  { CREATED: "seq", NAME: "name", COMPANY: sql`coalesce(company_name, '')`, STATUS: "status" },
  "CREATED ASC",
);
const opportunityOrder = defineKeyset(
  "Opportunity",
  {
    CREATED: "seq",
    TITLE: "title",
    AMOUNT: "amount",
    EXPECTED_CLOSE: sql`coalesce(expected_close_date, 'infinity'::date)`,
    STAGE: "stage",
  },
  "CREATED ASC",
);

export interface CustomerFilter {
  status?: CustomerStatus | null;
  statuses?: CustomerStatus[] | null;
  search?: string | null;
  accountManagerId?: string | null;
  createdFrom?: string | null;
  createdTo?: string | null;
}

export async function listCustomers(
  db: Kysely<CrmDatabase>,
  args: PageArgs & { filter?: CustomerFilter | null },
): Promise<Connection<Customer>> {
  const page = keysetPage(customerOrder, args);
  const f = args.filter ?? {};
  assertQueryDate(f.createdFrom, "filter.createdFrom");
  assertQueryDate(f.createdTo, "filter.createdTo");
  const query = narrow(db.selectFrom("crm.customers").selectAll(), [
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    equals("account_manager_id", f.accountManagerId),
    atLeast("created_at", f.createdFrom),
    below("created_at", f.createdTo),
    contains(["name", "code", "email"], f.search),
  ]);
  return page.fetch(query, toCustomer);
}

export async function listLeads(
  db: Kysely<CrmDatabase>,
  args: PageArgs & {
    filter?: { status?: LeadStatus | null; statuses?: LeadStatus[] | null; search?: string | null } | null;
  },
): Promise<Connection<Lead>> {
  const page = keysetPage(leadOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("crm.leads").selectAll(), [
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    contains(["name", "company_name", "email"], f.search),
  ]);
  return page.fetch(query, toLead);
}

export interface OpportunityFilter {
  stage?: OpportunityStage | null;
  stages?: OpportunityStage[] | null;
  customerId?: string | null;
  amountMin?: string | null;
  amountMax?: string | null;
  expectedCloseFrom?: string | null;
  expectedCloseTo?: string | null;
  search?: string | null;
}

export async function listOpportunities(
  db: Kysely<CrmDatabase>,
  args: PageArgs & { filter?: OpportunityFilter | null },
): Promise<Connection<Opportunity>> {
  const page = keysetPage(opportunityOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("crm.opportunities").selectAll(), [
    equals("stage", f.stage),
    oneOf("stage", f.stages, "filter.stages"),
    equals("customer_id", f.customerId),
    atLeast("amount", f.amountMin),
    atMost("amount", f.amountMax),
    atLeast("expected_close_date", f.expectedCloseFrom),
    atMost("expected_close_date", f.expectedCloseTo),
    contains(["title"], f.search),
  ]);
  return page.fetch(query, toOpportunity);
}

export async function findCustomerByCode(db: Kysely<CrmDatabase>, code: string): Promise<Customer | null> {
  const row = await db.selectFrom("crm.customers").selectAll().where("code", "=", code).executeTakeFirst();
  return row ? toCustomer(row) : null;
}
