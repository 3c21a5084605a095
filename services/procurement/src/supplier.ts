import {
  SupplierBlocked,
  SupplierDetailsUpdated,
  SupplierRegistered,
  SupplierUnblocked,
  type supplierEvents,
} from "@erp/contracts";
import {
  type ActionScope,
  businessError,
  fields,
  nextDocumentNumber,
  parseInput,
  sql,
  versionConflict,
} from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { ProcurementDatabase, SupplierStatusValue, SuppliersTable } from "./db.js";
import { notFound, ProcurementErrorCode, refuse } from "./errors.js";

export interface Supplier {
  id: string;
  code: string;
  name: string;
  taxId: string | null;
  currency: string;
  paymentTermsDays: number;
  status: SupplierStatusValue;
  blockReason: string | null;
  version: number;
  createdAt: string;
}

export function toSupplier(row: Selectable<SuppliersTable>): Supplier {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    taxId: row.tax_id,
    currency: row.currency.trim(),
    paymentTermsDays: row.payment_terms_days,
    status: row.status,
    blockReason: row.block_reason,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export const uniqueViolations = {
  suppliers_code_key: businessError(ProcurementErrorCode.SUPPLIER_CODE_TAKEN, "Another supplier has this code", "code"),
  supplier_bills_invoice_number: businessError(
    ProcurementErrorCode.DUPLICATE_SUPPLIER_INVOICE,
    "The supplier already sent a bill with this invoice number",
    "supplierInvoiceNumber",
  ),
};

// The CurrencyCode scalar has already refused an unknown code.
const currency = z.string();
const terms = z
  .number()
  .int()
  .min(0, "Payment terms must be 0 to 365 days")
  .max(365, "Payment terms must be 0 to 365 days");
const contact = z.object({
  name: fields.text("Contact name", 200),
  email: fields.email().nullish(),
  phone: fields.phone().nullish(),
  role: fields.optionalText("Contact role", 100),
});
const contacts = z.array(contact).max(20, "At most 20 contacts");

const registerSchema = z.object({
  code: fields.code("Code", /^[A-Z0-9][A-Z0-9-]{0,29}$/, "Code must be 1 to 30 of A-Z, 0-9 and -").nullish(),
  name: fields.text("Name", 200),
  taxId: fields.optionalText("Tax id", 50),
  currency,
  paymentTermsDays: terms,
  contacts: contacts.nullish(),
});

export async function registerSupplier(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof registerSchema>) {
  const data = parseInput(registerSchema, input);
  const row = await scope.trx
    .insertInto("procurement.suppliers")
    .values({
      code: data.code ?? (await nextDocumentNumber(scope.trx, "procurement.supplier_code_seq", "SUP")),
      name: data.name,
      tax_id: data.taxId,
      currency: data.currency,
      payment_terms_days: data.paymentTermsDays,
      block_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await replaceContacts(scope.trx, row.id, data.contacts ?? []);
  return announce(scope, row, SupplierRegistered, { code: row.code, name: row.name });
}

const updateSchema = z.object({
  supplierId: fields.id("supplierId"),
  expectedVersion: z.number().int(),
  name: fields.text("Name", 200).nullish(),
  taxId: fields.optionalText("Tax id", 50),
  currency: currency.nullish(),
  paymentTermsDays: terms.nullish(),
  contacts: contacts.nullish(),
});

export async function updateSupplierDetails(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof updateSchema>,
) {
  const data = parseInput(updateSchema, input);
  const current = await lockSupplier(scope.trx, data.supplierId);
  if (current.version !== data.expectedVersion) versionConflict();
  const row = await scope.trx
    .updateTable("procurement.suppliers")
    .set((eb) => ({
      name: data.name ?? current.name,
      tax_id: "taxId" in input ? data.taxId : current.tax_id,
      currency: data.currency ?? current.currency,
      payment_terms_days: data.paymentTermsDays ?? current.payment_terms_days,
      version: eb("version", "+", 1),
      updated_at: sql`now()`,
    }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (data.contacts) await replaceContacts(scope.trx, row.id, data.contacts);
  return announce(scope, row, SupplierDetailsUpdated, { changed: Object.keys(input) });
}

const blockSchema = z.object({ supplierId: fields.id("supplierId"), reason: fields.text("Reason", 500) });

export async function blockSupplier(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof blockSchema>) {
  const data = parseInput(blockSchema, input);
  return changeStatus(scope, data.supplierId, "BLOCKED", data.reason);
}

const unblockSchema = z.object({ supplierId: fields.id("supplierId") });

export async function unblockSupplier(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof unblockSchema>) {
  const data = parseInput(unblockSchema, input);
  return changeStatus(scope, data.supplierId, "ACTIVE", null);
}

async function changeStatus(
  scope: ActionScope<ProcurementDatabase>,
  supplierId: string,
  to: SupplierStatusValue,
  reason: string | null,
) {
  const current = await lockSupplier(scope.trx, supplierId);
  if (current.status === to)
    refuse(ProcurementErrorCode.INVALID_STATE_TRANSITION, `Supplier cannot move from ${current.status} to ${to}`);
  const row = await scope.trx
    .updateTable("procurement.suppliers")
    .set((eb) => ({ status: to, block_reason: reason, version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return announce(scope, row, to === "BLOCKED" ? SupplierBlocked : SupplierUnblocked, {
    from: current.status,
    to,
    reason,
  });
}

/** Audits the change and publishes the supplier's new snapshot. */
async function announce(
  scope: ActionScope<ProcurementDatabase>,
  row: Selectable<SuppliersTable>,
  contract: (typeof supplierEvents)[number],
  details: Record<string, unknown>,
): Promise<Supplier> {
  const supplier = toSupplier(row);
  await scope.audit("Supplier", supplier.id, details);
  await scope.emit(contract, supplier.id, {
    supplierId: supplier.id,
    code: supplier.code,
    name: supplier.name,
    currency: supplier.currency,
    paymentTermsDays: supplier.paymentTermsDays,
    status: supplier.status,
    version: supplier.version,
  });
  return supplier;
}

async function replaceContacts(
  trx: Transaction<ProcurementDatabase>,
  supplierId: string,
  list: z.infer<typeof contacts>,
) {
  await trx.deleteFrom("procurement.supplier_contacts").where("supplier_id", "=", supplierId).execute();
  if (!list.length) return;
  await trx
    .insertInto("procurement.supplier_contacts")
    .values(
      list.map((c, i) => ({
        supplier_id: supplierId,
        position: i + 1,
        name: c.name,
        email: c.email ?? null,
        phone: c.phone ?? null,
        role: c.role,
      })),
    )
    .execute();
}

export async function lockSupplier(trx: Transaction<ProcurementDatabase>, id: string, field = "supplierId") {
  const row = await trx
    .selectFrom("procurement.suppliers")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(ProcurementErrorCode.SUPPLIER_NOT_FOUND, "The supplier", field);
}

/** A supplier that may be ordered from; refuses SUPPLIER_NOT_FOUND or SUPPLIER_BLOCKED. */
export async function assertSupplierActive(db: Kysely<ProcurementDatabase>, id: string, field = "supplierId") {
  const row = await db.selectFrom("procurement.suppliers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return notFound(ProcurementErrorCode.SUPPLIER_NOT_FOUND, "The supplier", field);
  if (row.status === "BLOCKED") refuse(ProcurementErrorCode.SUPPLIER_BLOCKED, `${row.name} is blocked`, field);
  return row;
}
