import { CustomerBlocked, CustomerDetailsUpdated, CustomerRegistered, CustomerUnblocked } from "@erp/contracts";
import {
  type ActionScope,
  defineStateMachine,
  fields,
  nextDocumentNumber,
  parseInput,
  sql,
  versionConflict,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { type Address, addressSchema } from "./address.js";
import type { CrmDatabase, CustomerStatus, CustomersTable } from "./db.js";
import { CrmErrorCode, notFound, refuse } from "./errors.js";
import { assertAssignableEmployee } from "./known-employees.js";

export type { CustomerStatus };

/** A customer may be blocked and unblocked; nothing else. */
export const customerLifecycle = defineStateMachine<CustomerStatus>("Customer", {
  ACTIVE: ["BLOCKED"],
  BLOCKED: ["ACTIVE"],
});

export interface Customer {
  id: string;
  code: string;
  name: string;
  taxId: string | null;
  email: string | null;
  phone: string | null;
  billingAddress: Address | null;
  status: CustomerStatus;
  blockedReason: string | null;
  accountManagerId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    taxId: row.tax_id,
    email: row.email,
    phone: row.phone,
    billingAddress: row.billing_address,
    status: row.status,
    blockedReason: row.blocked_reason,
    accountManagerId: row.account_manager_id,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What other domains learn of a customer with each event: enough to keep their own view. */
const customerSnapshot = (c: Customer) => ({
  customerId: c.id,
  code: c.code,
  name: c.name,
  status: c.status,
  version: c.version,
});

const detailsSchema = {
  name: fields.text("Name", 200),
  taxId: fields.optionalText("Tax id", 50),
  email: fields.email().nullish(),
  phone: fields.phone().nullish(),
  billingAddress: addressSchema.nullish(),
};

/** A customer code: 1 to 20 letters, digits or dashes. */
export const customerCode = () =>
  fields.code("Code", /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/, "Code must be 1 to 20 letters, digits or dashes");

export const registerCustomerSchema = z.object({
  code: customerCode().nullish(),
  ...detailsSchema,
});

export type RegisterCustomer = z.input<typeof registerCustomerSchema>;

export async function registerCustomer(scope: ActionScope<CrmDatabase>, input: RegisterCustomer): Promise<Customer> {
  const data = parseInput(registerCustomerSchema, input);
  const code = data.code ?? (await nextCustomerCode(scope.trx));
  const row = await scope.trx
    .insertInto("crm.customers")
    .values({
      code,
      name: data.name,
      tax_id: data.taxId,
      email: data.email ?? null,
      phone: data.phone ?? null,
      billing_address: data.billingAddress ? JSON.stringify(data.billingAddress) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const customer = toCustomer(row);
  await scope.audit("Customer", customer.id, { code, name: customer.name });
  await scope.emit(CustomerRegistered, customer.id, customerSnapshot(customer));
  return customer;
}

/** Next free generated code; skips codes someone chose by hand. */
async function nextCustomerCode(trx: Transaction<CrmDatabase>): Promise<string> {
  for (;;) {
    const code = await nextDocumentNumber(trx, "crm.customer_code_seq", "C");
    const taken = await trx.selectFrom("crm.customers").select("id").where("code", "=", code).executeTakeFirst();
    if (!taken) return code;
  }
}

/** Locks a customer row for the rest of the transaction, or refuses CUSTOMER_NOT_FOUND. */
export async function lockCustomer(trx: Transaction<CrmDatabase>, id: string, field = "customerId") {
  const row = await trx.selectFrom("crm.customers").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(CrmErrorCode.CUSTOMER_NOT_FOUND, "The customer", field);
}

export const updateCustomerDetailsSchema = z.object({
  customerId: fields.id("customerId"),
  expectedVersion: z.number().int().min(1),
  name: detailsSchema.name.nullish(),
  taxId: detailsSchema.taxId,
  email: detailsSchema.email,
  phone: detailsSchema.phone,
  billingAddress: detailsSchema.billingAddress,
});

export async function updateCustomerDetails(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof updateCustomerDetailsSchema>,
): Promise<Customer> {
  const data = parseInput(updateCustomerDetailsSchema, input);
  const current = await lockCustomer(scope.trx, data.customerId);
  if (current.version !== data.expectedVersion) versionConflict();
  const changes = {
    ...(data.name != null && { name: data.name }),
    ...(input.taxId !== undefined && { tax_id: data.taxId }),
    ...(input.email !== undefined && { email: data.email ?? null }),
    ...(input.phone !== undefined && { phone: data.phone ?? null }),
    ...(input.billingAddress !== undefined && {
      billing_address: data.billingAddress ? JSON.stringify(data.billingAddress) : null,
    }),
  };
  const customer = await saveCustomer(scope.trx, current.id, changes);
  await scope.audit("Customer", customer.id, { changed: Object.keys(changes) });
  await scope.emit(CustomerDetailsUpdated, customer.id, customerSnapshot(customer));
  return customer;
}

type CustomerChanges = Partial<{
  name: string;
  tax_id: string | null;
  email: string | null;
  phone: string | null;
  billing_address: string | null;
  status: CustomerStatus;
  blocked_reason: string | null;
  account_manager_id: string;
}>;

async function saveCustomer(trx: Transaction<CrmDatabase>, id: string, changes: CustomerChanges) {
  const row = await trx
    .updateTable("crm.customers")
    .set((eb) => ({ ...changes, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCustomer(row);
}

const blockSchema = z.object({
  customerId: fields.id("customerId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

export async function blockCustomer(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof blockSchema>,
): Promise<Customer> {
  const data = parseInput(blockSchema, input);
  const current = await lockCustomer(scope.trx, data.customerId);
  customerLifecycle.assertTransition(current.status, "BLOCKED");
  const customer = await saveCustomer(scope.trx, current.id, { status: "BLOCKED", blocked_reason: data.reason });
  await scope.audit("Customer", customer.id, { reason: data.reason });
  await scope.emit(CustomerBlocked, customer.id, { ...customerSnapshot(customer), reason: data.reason });
  return customer;
}

const unblockSchema = z.object({ customerId: fields.id("customerId") });

export async function unblockCustomer(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof unblockSchema>,
): Promise<Customer> {
  const data = parseInput(unblockSchema, input);
  const current = await lockCustomer(scope.trx, data.customerId);
  customerLifecycle.assertTransition(current.status, "ACTIVE");
  const customer = await saveCustomer(scope.trx, current.id, { status: "ACTIVE", blocked_reason: null });
  await scope.audit("Customer", customer.id);
  await scope.emit(CustomerUnblocked, customer.id, customerSnapshot(customer));
  return customer;
}

const assignSchema = z.object({ customerId: fields.id("customerId"), employeeId: fields.id("employeeId") });

/**
 * Makes an employee the customer's account manager. The account manager is CRM's own field, not
 * part of the customer snapshot other domains keep, so no event is published; the version moves.
 */
export async function assignAccountManager(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof assignSchema>,
): Promise<Customer> {
  const data = parseInput(assignSchema, input);
  const current = await lockCustomer(scope.trx, data.customerId);
  const employee = await assertAssignableEmployee(scope.trx, data.employeeId, "employeeId");
  const customer = await saveCustomer(scope.trx, current.id, { account_manager_id: employee.employee_id });
  await scope.audit("Customer", customer.id, {
    accountManagerId: employee.employee_id,
    previousAccountManagerId: current.account_manager_id,
  });
  return customer;
}

/** Refuses CUSTOMER_BLOCKED when new business is opened with a blocked customer. */
export function assertCustomerActive(row: Selectable<CustomersTable>, field = "customerId"): void {
  if (row.status === "BLOCKED") refuse(CrmErrorCode.CUSTOMER_BLOCKED, `Customer ${row.code} is blocked`, field);
}
