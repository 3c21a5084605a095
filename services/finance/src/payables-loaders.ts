import { isUuid, listLoaderByKey, loaderById, loaderByKey } from "@erp/core";
import type { Kysely } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { toPayable } from "./payables.js";
import { toSupplierPayment } from "./supplier-payment.js";

/** Per-request loaders of payables, their payments and the suppliers finance knows. */
export function createPayableLoaders(db: Kysely<FinanceDatabase>) {
  return {
    payable: loaderById(async (ids) =>
      (await db.selectFrom("finance.supplier_bills").selectAll().where("id", "in", ids).execute()).map(toPayable),
    ),
    paymentsOfBill: listLoaderByKey(
      (ids) =>
        db.selectFrom("finance.supplier_payments").selectAll().where("bill_id", "in", ids).orderBy("seq").execute(),
      (r) => r.bill_id,
      toSupplierPayment,
    ),
    knownSupplier: loaderByKey(
      (ids) => db.selectFrom("finance.known_suppliers").selectAll().where("supplier_id", "in", ids).execute(),
      (r) => r.supplier_id,
      isUuid,
    ),
  };
}
