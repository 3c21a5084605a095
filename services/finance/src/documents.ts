import { isUuid } from "@erp/core";
import type { FinanceContext } from "./context.js";

/** A document finance's ledger or reconciliation names by type and id. */
export interface FinanceDocument {
  type: string;
  id: string;
}

/** Documents other domains own: finance hands the gateway a stub, the owner resolves its fields. */
const OWNED_ELSEWHERE = {
  SupplierBill: "SupplierBill",
  StockMovement: "StockMovement",
  StockAdjustment: "StockAdjustment",
  Product: "Product",
  Warehouse: "Warehouse",
  PayrollRun: "PayrollRun",
} as const;

const typed = <T extends object, N extends string>(value: T | null, __typename: N) => value && { ...value, __typename };

/**
 * The document itself: finance's own through the per-request loaders, another domain's as a stub
 * (`{ __typename, id }`) the gateway batches into one _entities call per page; null for kinds
 * nobody can follow (allocations, refunds, credit notes, manual sources) or a malformed id.
 * A payroll run's posting names "<run id>:<currency>"; accounts are named by code.
 */
export async function ledgerDocumentOf(document: FinanceDocument, ctx: FinanceContext) {
  const { loaders } = ctx;
  switch (document.type) {
    case "Account":
      return typed(await loaders.accountByCode.load(document.id), "Account" as const);
    case "Invoice":
      return typed(await loaders.invoice.load(document.id), "Invoice" as const);
    case "Payment":
      return typed(await loaders.payment.load(document.id), "Payment" as const);
    case "JournalEntry":
      return typed(await loaders.entry.load(document.id), "JournalEntry" as const);
  }
  const typename = OWNED_ELSEWHERE[document.type as keyof typeof OWNED_ELSEWHERE];
  const id = typename === "PayrollRun" ? document.id.split(":")[0]! : document.id;
  return typename && isUuid(id) ? { __typename: typename, id } : null;
}
