import type { ColumnType, Generated } from "kysely";
import { CustomerStatus, LeadStatus, OpportunityStage } from "./generated/enums.js";

export type { CustomerStatus, LeadStatus, OpportunityStage };

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "customers.status": Object.values(CustomerStatus),
  "leads.status": Object.values(LeadStatus),
  "opportunities.stage": Object.values(OpportunityStage),
};

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AddressJson {
  line1: string;
  line2: string | null;
  postalCode: string;
  city: string;
  region: string | null;
  country: string;
}

export interface CustomersTable {
  id: Generated<string>;
  seq: Generated<string>;
  code: string;
  name: string;
  tax_id: string | null;
  email: string | null;
  phone: string | null;
  billing_address: ColumnType<AddressJson | null, string | null, string | null>;
  status: Generated<CustomerStatus>;
  blocked_reason: string | null;
  account_manager_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ContactsTable {
  id: Generated<string>;
  seq: Generated<string>;
  customer_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  created_at: Generated<Date>;
}

export interface LeadsTable {
  id: Generated<string>;
  seq: Generated<string>;
  name: string;
  company_name: string | null;
  email: string | null;
  phone: string | null;
  source: string | null;
  status: Generated<LeadStatus>;
  disqualification_reason: string | null;
  converted_customer_id: string | null;
  converted_opportunity_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OpportunitiesTable {
  id: Generated<string>;
  seq: Generated<string>;
  customer_id: string;
  title: string;
  amount: string;
  currency: string;
  stage: Generated<OpportunityStage>;
  probability: number;
  expected_close_date: string | null;
  lost_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActivitiesTable {
  id: Generated<string>;
  seq: Generated<string>;
  kind: "CALL" | "EMAIL" | "MEETING" | "NOTE";
  subject: string;
  notes: string | null;
  occurred_at: Timestamp;
  logged_by: string;
  customer_id: string | null;
  lead_id: string | null;
  opportunity_id: string | null;
  created_at: Generated<Date>;
}

/** An HR employee as CRM remembers it from HR's events. */
export interface KnownEmployeesTable {
  employee_id: string;
  name: string;
  status: string;
  version: number;
}

/** The crm schema, as Kysely sees it. */
export interface CrmDatabase {
  "crm.known_employees": KnownEmployeesTable;
  "crm.customers": CustomersTable;
  "crm.contacts": ContactsTable;
  "crm.leads": LeadsTable;
  "crm.opportunities": OpportunitiesTable;
  "crm.activities": ActivitiesTable;
}
