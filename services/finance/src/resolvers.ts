import { actionResolvers, assertIds, capped, clockDay, Dec, pageArgs, pageSize, present, typenameOf } from "@erp/core";
import type { FinanceContext } from "./context.js";
import { approveCreditLine, rejectCreditLine, requestCreditLine, suspendCreditLine, toCreditLine } from "./credit.js";
import { ledgerDocumentOf } from "./documents.js";
import { financeConstraintViolations } from "./errors.js";
import type { LedgerDocument, Resolvers } from "./generated/resolvers-types.js";
import { accrueInterest } from "./interest.js";
import { isOverdue, issueInvoice, voidInvoice } from "./invoice.js";
import { postJournalEntry, reverseJournalEntry, showMoney } from "./journal.js";
import { payableMutations, payableQueries, payableTypes } from "./payables-resolvers.js";
import { recordPayment, toPayment } from "./payment.js";
import { listPayrollPayables, payPayroll } from "./payroll.js";
import { accountBalance, agingBuckets, listInvoices, listJournalEntries, trialBalance } from "./queries.js";
import { acknowledgeAlert, resolveAlert, runReconciliation, toAlert, toRun } from "./reconciliation.js";
import { reportQueries, reportTypes } from "./report-resolvers.js";
import { allocatePayment, issueCreditNote, refundPayment } from "./settlement.js";

/** A customer or order of another domain, as finance refers to it. */
export interface Reference {
  id: string;
}

/** An HR employee, as finance refers to a person: by the identity subject it records. */
export interface EmployeeBySubject {
  userSubject: string;
}

const employeeBySubject = (userSubject: string): EmployeeBySubject & { __typename: "Employee" } => ({
  __typename: "Employee",
  userSubject,
});

/** Every finance mutation: the finance:write scope, one transaction, idempotent by its key. */
const act = actionResolvers<FinanceContext>({ uniqueViolations: financeConstraintViolations });

export const resolvers: Resolvers = {
  Query: {
    accounts: (_, __, ctx) => ctx.db.selectFrom("finance.accounts").selectAll().orderBy("code").limit(500).execute(),
    trialBalance: (_, { asOf }, ctx) => trialBalance(ctx.db, asOf ?? clockDay(ctx.clock)),
    accountBalance: (_, { accountId, asOf, currency }, ctx) => (
      assertIds({ accountId }), accountBalance(ctx.db, accountId, currency, asOf ?? clockDay(ctx.clock))
    ),
    journalEntries: (_, args, ctx, info) => listJournalEntries(ctx.db, pageArgs(args, info)),
    invoice: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.invoice.load(id)),
    invoices: (_, args, ctx, info) => (
      assertIds({ customerId: args.filter?.customerId }), listInvoices(ctx.db, pageArgs(args, info))
    ),
    reconciliationAlerts: async (_, { status }, ctx) => {
      let query = ctx.db.selectFrom("finance.reconciliation_alerts").selectAll().orderBy("seq", "desc").limit(500);
      if (status) query = query.where("status", "=", status);
      return (await query.execute()).map(toAlert);
    },
    reconciliationRuns: async (_, { first }, ctx) => {
      const rows = await ctx.db
        .selectFrom("finance.reconciliation_runs")
        .selectAll()
        .orderBy("seq", "desc")
        .limit(pageSize(first))
        .execute();
      return rows.map(toRun);
    },
    payment: async (_, { id }, ctx) => {
      assertIds({ id });
      const row = await ctx.db.selectFrom("finance.payments").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toPayment(row) : null;
    },
    ...payableQueries,
    ...reportQueries,
    payrollPayables: (_, args, ctx) => (
      assertIds({ payrollRunId: args.payrollRunId }), listPayrollPayables(ctx.db, args)
    ),
  },
  Mutation: {
    postJournalEntry: act(async (s, input) => ({ journalEntry: await postJournalEntry(s, input) })),
    reverseJournalEntry: act(async (s, input) => ({ journalEntry: await reverseJournalEntry(s, input) })),
    recordPayment: act(async (s, input) => ({ payment: await recordPayment(s, input) })),
    voidInvoice: act(async (s, input) => ({ invoice: await voidInvoice(s, input) })),
    issueInvoice: act(async (s, input) => ({ invoice: await issueInvoice(s, input) })),
    allocatePayment: act((s, input) => allocatePayment(s, input)),
    refundPayment: act((s, input) => refundPayment(s, input)),
    issueCreditNote: act((s, input) => issueCreditNote(s, input)),
    requestCreditLine: act(async (s, input) => ({ creditLine: await requestCreditLine(s, input) })),
    approveCreditLine: act(async (s, input) => ({ creditLine: await approveCreditLine(s, input) })),
    rejectCreditLine: act(async (s, input) => ({ creditLine: await rejectCreditLine(s, input) })),
    suspendCreditLine: act(async (s, input) => ({ creditLine: await suspendCreditLine(s, input) })),
    payPayroll: act(async (s, input) => ({ payrollPayable: await payPayroll(s, input) })),
    accrueInterest: act((s, input) => accrueInterest(s, input)),
    runReconciliation: act(async (s) => ({ run: await runReconciliation(s) })),
    acknowledgeReconciliationAlert: act(async (s, input) => ({ alert: await acknowledgeAlert(s, input) })),
    resolveReconciliationAlert: act(async (s, input) => ({ alert: await resolveAlert(s, input) })),
    ...payableMutations,
  },
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    balance: (customer, { currency }, ctx) => ctx.loaders.customerBalance.load(`${customer.id}:${currency}`),
    openInvoices: (customer, _, ctx) => capped(ctx.loaders.openInvoicesOfCustomer.load(customer.id), 100),
    payments: (customer, _, ctx) => capped(ctx.loaders.paymentsOfCustomer.load(customer.id), 100),
    creditLine: async (customer, _, ctx) => {
      const row = await ctx.db
        .selectFrom("finance.credit_lines")
        .selectAll()
        .where("customer_id", "=", customer.id)
        .where("status", "in", ["PENDING_APPROVAL", "ACTIVE", "SUSPENDED"])
        .orderBy("seq", "desc")
        .executeTakeFirst();
      return row ? toCreditLine(ctx.db, row) : null;
    },
    agingBuckets: (customer, { currency }, ctx) => agingBuckets(ctx.db, customer.id, currency, clockDay(ctx.clock)),
  },
  SalesOrder: {
    __resolveReference: (ref) => ({ id: ref.id }),
    invoices: (order, _, ctx) => capped(ctx.loaders.invoicesOfOrder.load(order.id), 100),
    amountPaid: async (order, _, ctx) => {
      const invoices = await ctx.loaders.invoicesOfOrder.load(order.id);
      if (!invoices.length) return null;
      return showMoney(
        invoices.reduce((s, i) => s.plus(i.amountPaid.amount), new Dec(0)),
        invoices[0]!.currency,
      );
    },
  },
  JournalEntry: {
    reverses: (entry, _, ctx) => (entry.reversesId ? ctx.loaders.entry.load(entry.reversesId) : null),
    reversedBy: async (entry, _, ctx) => (await ctx.loaders.reversalOf.load(entry.id))[0] ?? null,
    lines: (entry, _, ctx) => ctx.loaders.linesOfEntry.load(entry.id),
  },
  JournalLine: {
    account: (line, _, ctx) => present(ctx.loaders.account.load(line.accountId), "Account"),
  },
  TrialBalance: {
    rows: (balance) => capped(balance.rows, 1000),
  },
  TrialBalanceRow: {
    account: (row, _, ctx) => present(ctx.loaders.account.load(row.accountId), "Account"),
  },
  Invoice: {
    __resolveReference: (ref, ctx) => ctx.loaders.invoice.load(ref.id),
    customer: (invoice) => ({ id: invoice.customerId }),
    // References sales resolves; the gateway batches a page's orders and shipments into one _entities call each.
    salesOrder: (invoice) => (invoice.salesOrderId ? { id: invoice.salesOrderId } : null),
    shipment: (invoice) => (invoice.shipmentId ? { id: invoice.shipmentId } : null),
    overdue: (invoice, _, ctx) => isOverdue(invoice, clockDay(ctx.clock)),
    lines: async (invoice, _, ctx) =>
      (await ctx.loaders.linesOfInvoice.load(invoice.id)).map((l) => ({
        description: l.description,
        productId: l.product_id,
        quantity: new Dec(l.quantity).toFixed(),
        unitPrice: showMoney(l.unit_price, invoice.currency),
        netAmount: showMoney(l.net_amount, invoice.currency),
        taxAmount: showMoney(l.tax_amount, invoice.currency),
      })),
    journalEntry: async (invoice, _, ctx) => (await ctx.loaders.entriesOfSource.load(invoice.id))[0] ?? null,
  },
  InvoiceLine: {
    product: (line) => (line.productId ? { id: line.productId } : null),
  },
  FinanceDocument: {
    document: (document, _, ctx) => ledgerDocumentOf(document, ctx),
  },
  LedgerDocument: {
    __resolveType: (value) => typenameOf<NonNullable<LedgerDocument["__typename"]>>(value),
  },
  Payment: {
    __resolveReference: (ref, ctx) => ctx.loaders.payment.load(ref.id),
    customer: (payment) => ({ id: payment.customerId }),
    allocations: async (payment, _, ctx) =>
      (await capped(ctx.loaders.allocationsOfPayment.load(payment.id), 100)).map((a) => ({
        invoiceId: a.invoice_id,
        amount: showMoney(a.amount, payment.amount.currency),
      })),
    unallocated: async (payment, _, ctx) => {
      const used = [
        ...(await ctx.loaders.allocationsOfPayment.load(payment.id)),
        ...(await ctx.loaders.refundsOfPayment.load(payment.id)),
      ];
      const allocated = used.reduce((s, a) => s.plus(a.amount), new Dec(0));
      return showMoney(new Dec(payment.amount.amount).minus(allocated), payment.amount.currency);
    },
    journalEntry: async (payment, _, ctx) => (await ctx.loaders.entriesOfSource.load(payment.id))[0] ?? null,
  },
  ...payableTypes,
  ...reportTypes,
  CreditLine: {
    requester: (line) => employeeBySubject(line.requestedBy),
    approvedBy: (line) => line.approvers.map(employeeBySubject),
  },
  PayrollPayable: {
    payrollRun: (payable) => ({ id: payable.payrollRunId }),
    paid: (payable) => payable.paymentId !== null,
    postingEntry: (payable, _, ctx) => present(ctx.loaders.entry.load(payable.postingEntryId), "JournalEntry"),
    paymentEntry: (payable, _, ctx) => (payable.paymentEntryId ? ctx.loaders.entry.load(payable.paymentEntryId) : null),
  },
  PaymentAllocation: {
    invoice: (allocation, _, ctx) => present(ctx.loaders.invoice.load(allocation.invoiceId), "Invoice"),
  },
};
