import { actionResolvers, assertIds, capped, clockDay, Dec, pageArgs } from "@erp/core";
import { apAging } from "./aging.js";
import type { FinanceContext } from "./context.js";
import { financeConstraintViolations } from "./errors.js";
import type { MutationResolvers, QueryResolvers, Resolvers } from "./generated/resolvers-types.js";
import { listPayables } from "./payables.js";
import { paySupplierBill } from "./supplier-payment.js";

const act = actionResolvers<FinanceContext>({ uniqueViolations: financeConstraintViolations });

const supplierName = async (supplierId: string, ctx: FinanceContext) =>
  (await ctx.loaders.knownSupplier.load(supplierId))?.name ?? supplierId;

export const payableQueries: Pick<QueryResolvers, "payables" | "payable" | "apAging"> = {
  payables: (_, args, ctx, info) => (
    assertIds({ supplierId: args.filter?.supplierId }), listPayables(ctx.db, pageArgs(args, info))
  ),
  payable: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.payable.load(id)),
  apAging: (_, { asOf }, ctx) => apAging(ctx.db, asOf ?? clockDay(ctx.clock)),
};

export const payableMutations: Pick<MutationResolvers, "paySupplierBill"> = {
  paySupplierBill: act((s, input) => paySupplierBill(s, input)),
};

/** Payables, supplier payments and AP aging; suppliers and bills are procurement's entities. */
export const payableTypes: Pick<Resolvers, "SupplierBill" | "Payable" | "SupplierPayment" | "ApAging" | "ApAgingRow"> =
  {
    SupplierBill: {
      __resolveReference: (ref) => ({ id: ref.id }),
      payable: (bill, _, ctx) => ctx.loaders.payable.load(bill.id),
      outstanding: async (bill, _, ctx) => (await ctx.loaders.payable.load(bill.id))?.outstanding ?? null,
    },
    Payable: {
      bill: (payable) => ({ id: payable.id }),
      supplier: (payable) => ({ id: payable.supplierId }),
      purchaseOrder: (payable) => ({ id: payable.purchaseOrderId }),
      supplierName: (payable, _, ctx) => supplierName(payable.supplierId, ctx),
      overdue: (payable, _, ctx) => new Dec(payable.outstanding.amount).gt(0) && payable.dueDate < clockDay(ctx.clock),
      payments: (payable, _, ctx) => capped(ctx.loaders.paymentsOfBill.load(payable.id), 100),
      journalEntry: (payable, _, ctx) =>
        payable.journalEntryId ? ctx.loaders.entry.load(payable.journalEntryId) : null,
    },
    SupplierPayment: {
      journalEntry: async (payment, _, ctx) => (await ctx.loaders.entriesOfSource.load(payment.id))[0] ?? null,
    },
    ApAging: {
      suppliers: (aging) => capped(aging.suppliers, 500),
    },
    ApAgingRow: {
      supplier: (row) => ({ id: row.supplierId }),
    },
  };
