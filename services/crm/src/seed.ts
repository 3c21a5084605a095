import { isoDay, type OperationRunner, type SeedTools } from "@erp/core";
import type { CrmDatabase } from "./db.js";

const COMPANIES = [
  ["Acme Tools GmbH", "DE", "Berlin", "10115"],
  ["Nordlicht Handels AG", "DE", "Hamburg", "20095"],
  ["Bellweather Ltd", "GB", "London", "EC1A 1BB"],
  ["Maison Dupont SARL", "FR", "Lyon", "69001"],
  ["Costa Verde SL", "ES", "Valencia", "46001"],
  ["Van Dijk BV", "NL", "Utrecht", "3511"],
  ["Alpine Supplies AG", "CH", "Zürich", "8001"],
  ["Polar Office Oy", "FI", "Helsinki", "00100"],
  ["Danube Retail Kft", "HU", "Budapest", "1051"],
  ["Baltic Build SIA", "LV", "Riga", "LV-1050"],
] as const;

async function run(execute: OperationRunner, query: string, variables: Record<string, unknown>) {
  const result = await execute(query, variables);
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`CRM seed failed: ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload;
}

const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { id } errors { code message } } }`;
const CAPTURE = `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { lead { id } errors { code message } } }`;
const QUALIFY = `mutation($input: QualifyLeadInput!) { qualifyLead(input: $input) { lead { id } errors { code message } } }`;
const CONVERT = `mutation($input: ConvertLeadInput!) { convertLead(input: $input) { opportunity { id } errors { code message } } }`;

/** Demo data through the CRM's own business actions; the keys make a second run change nothing. */
export async function seedCrm(execute: OperationRunner, tools: SeedTools<CrmDatabase>): Promise<void> {
  const customerIds: string[] = [];
  for (const [i, [name, country, city, postalCode]] of COMPANIES.entries()) {
    const slug = name.toLowerCase().replace(/[^a-z]+/g, "");
    const payload = await run(execute, REGISTER, {
      input: {
        idempotencyKey: `seed-crm-customer-${i}`,
        name,
        email: `purchasing@${slug.slice(0, 12)}.example`,
        phone: `+49 30 5550${100 + i}`,
        taxId: `${country}${100200300 + i}`,
        billingAddress: { line1: `${i + 1} Market Street`, postalCode, city, country },
      },
    });
    customerIds.push(payload.customer.id);
    await run(
      execute,
      `mutation($input: AddContactInput!) { addContact(input: $input) { contact { id } errors { code message } } }`,
      {
        input: {
          idempotencyKey: `seed-crm-contact-${i}`,
          customerId: payload.customer.id,
          name: `Alex Buyer ${i + 1}`,
          jobTitle: "Head of Purchasing",
          email: `alex${i}@${slug.slice(0, 12)}.example`,
        },
      },
    );
  }
  await run(
    execute,
    `mutation($input: BlockCustomerInput!) { blockCustomer(input: $input) { customer { id } errors { code message } } }`,
    {
      input: {
        idempotencyKey: "seed-crm-block-9",
        customerId: customerIds[9],
        reason: "Three invoices over 90 days overdue",
      },
    },
  );
  await seedPipeline(execute, customerIds);
  await seedAccountManagers(execute, tools, customerIds);
}

const ASSIGN = `mutation($input: AssignAccountManagerInput!) { assignAccountManager(input: $input) { customer { id } errors { code message } } }`;

/** Account managers from HR's demo staff, when CRM has heard of them (HR seeds first); none otherwise. */
async function seedAccountManagers(execute: OperationRunner, tools: SeedTools<CrmDatabase>, customerIds: string[]) {
  const managers = await tools.db
    .selectFrom("crm.known_employees")
    .select("employee_id")
    .where("status", "=", "ACTIVE")
    .orderBy("name")
    .limit(3)
    .execute();
  if (!managers.length) return;
  for (const [i, customerId] of customerIds.entries())
    await run(execute, ASSIGN, {
      input: {
        idempotencyKey: `seed-crm-account-manager-${i}`,
        customerId,
        employeeId: managers[i % managers.length]!.employee_id,
      },
    });
}

async function seedPipeline(execute: OperationRunner, customerIds: string[]): Promise<void> {
  const leads = ["Sam Prospect", "Kim Interested", "Lee Qualified", "Pat Converted", "Robin Cold"];
  const leadIds: string[] = [];
  for (const [i, name] of leads.entries()) {
    const p = await run(execute, CAPTURE, {
      input: {
        idempotencyKey: `seed-crm-lead-${i}`,
        name,
        companyName: `${name.split(" ")[1]} Industries`,
        source: i % 2 ? "Trade fair" : "Web form",
        email: `${name.split(" ")[0]!.toLowerCase()}@lead.example`,
      },
    });
    leadIds.push(p.lead.id);
  }
  for (const i of [2, 3])
    await run(execute, QUALIFY, { input: { idempotencyKey: `seed-crm-qualify-${i}`, leadId: leadIds[i] } });
  await run(
    execute,
    `mutation($input: DisqualifyLeadInput!) { disqualifyLead(input: $input) { lead { id } errors { code message } } }`,
    {
      input: { idempotencyKey: "seed-crm-disqualify-4", leadId: leadIds[4], reason: "No budget this year" },
    },
  );
  const converted = await run(execute, CONVERT, {
    input: {
      idempotencyKey: "seed-crm-convert-3",
      leadId: leadIds[3],
      opportunityTitle: "Warehouse shelving",
      opportunityAmount: { amount: "18500.00", currency: "EUR" },
      // Relative to today: a fixed date would fall outside the allowed window once it passed.
      expectedCloseDate: isoDay(120),
    },
  });
  await seedOpportunities(execute, customerIds, converted.opportunity.id);
}

async function seedOpportunities(execute: OperationRunner, customerIds: string[], convertedId: string) {
  const ADVANCE = `mutation($input: AdvanceOpportunityInput!) { advanceOpportunity(input: $input) { opportunity { id } errors { code message } } }`;
  const opportunityIds = [convertedId];
  for (const [i, customerId] of customerIds.slice(0, 4).entries()) {
    const lead = await run(execute, CAPTURE, {
      input: { idempotencyKey: `seed-crm-oplead-${i}`, name: `Buyer ${i}`, companyName: `Deal ${i}` },
    });
    await run(execute, QUALIFY, { input: { idempotencyKey: `seed-crm-opqualify-${i}`, leadId: lead.lead.id } });
    const p = await run(execute, CONVERT, {
      input: {
        idempotencyKey: `seed-crm-opconvert-${i}`,
        leadId: lead.lead.id,
        customerName: `Deal ${i} Holdings`,
        opportunityTitle: `${(i + 1) * 10} office chairs`,
        opportunityAmount: { amount: `${(i + 1) * 1250}.00`, currency: "EUR" },
      },
    });
    opportunityIds.push(p.opportunity.id);
    void customerId;
  }
  for (const [i, id] of opportunityIds.slice(1).entries()) {
    if (i >= 1) await run(execute, ADVANCE, { input: { idempotencyKey: `seed-crm-adv1-${i}`, opportunityId: id } });
    if (i >= 2) await run(execute, ADVANCE, { input: { idempotencyKey: `seed-crm-adv2-${i}`, opportunityId: id } });
  }
  await run(
    execute,
    `mutation($input: WinOpportunityInput!) { winOpportunity(input: $input) { opportunity { id } errors { code message } } }`,
    {
      input: { idempotencyKey: "seed-crm-win", opportunityId: opportunityIds[3] },
    },
  );
  await run(
    execute,
    `mutation($input: LoseOpportunityInput!) { loseOpportunity(input: $input) { opportunity { id } errors { code message } } }`,
    {
      input: { idempotencyKey: "seed-crm-lose", opportunityId: opportunityIds[4], reason: "Chose a cheaper supplier" },
    },
  );
  await run(
    execute,
    `mutation($input: LogActivityInput!) { logActivity(input: $input) { activity { id } errors { code message } } }`,
    {
      input: {
        idempotencyKey: "seed-crm-activity-0",
        kind: "CALL",
        subject: "Discussed Q1 volumes",
        customerId: customerIds[0],
      },
    },
  );
}

/** What Sandbox opens with: a page of customers with their contacts and open opportunities. */
export const exampleOperation = `# Welcome to the ERP graph. Press Run, then explore the schema on the left.
query CustomersWithPipeline {
  customers(first: 5) {
    nodes {
      code
      name
      status
      contacts { name jobTitle email }
      opportunities { title stage amount { amount currency } availableActions }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
