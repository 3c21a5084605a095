import { ContactAdded } from "@erp/contracts";
import { type ActionScope, fields, parseInput } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { lockCustomer } from "./customer.js";
import type { ContactsTable, CrmDatabase } from "./db.js";

export interface Contact {
  id: string;
  customerId: string;
  name: string;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  createdAt: string;
}

export function toContact(row: Selectable<ContactsTable>): Contact {
  return {
    id: row.id,
    customerId: row.customer_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    jobTitle: row.job_title,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const addContactSchema = z.object({
  customerId: fields.id("customerId"),
  name: fields.text("Name", 200),
  email: fields.email().nullish(),
  phone: fields.phone().nullish(),
  jobTitle: fields.optionalText("Job title", 100),
});

export async function addContact(
  scope: ActionScope<CrmDatabase>,
  input: z.input<typeof addContactSchema>,
): Promise<Contact> {
  const data = parseInput(addContactSchema, input);
  // The lock orders concurrent changes to one customer; a contact belongs to its aggregate.
  const customer = await lockCustomer(scope.trx, data.customerId);
  const row = await scope.trx
    .insertInto("crm.contacts")
    .values({
      customer_id: customer.id,
      name: data.name,
      email: data.email ?? null,
      phone: data.phone ?? null,
      job_title: data.jobTitle,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const contact = toContact(row);
  await scope.audit("Customer", customer.id, { contactId: contact.id, name: contact.name });
  await scope.emit(ContactAdded, customer.id, { customerId: customer.id, contactId: contact.id });
  return contact;
}
