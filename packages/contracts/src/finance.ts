import { z } from "zod";
import { defineEvent, documentReference, entityId, money, reason } from "./contract.js";

export const CreditLineRequested = defineEvent({
  type: "finance.credit_line.requested",
  version: 1,
  source: "finance",
  aggregateType: "CreditLine",
  payload: z.object({ creditLineId: entityId, customerId: entityId, limit: money }),
});

const creditLineEvent = <const T extends string>(type: T) =>
  defineEvent({
    type,
    version: 1,
    source: "finance",
    aggregateType: "CreditLine",
    payload: z.object({ creditLineId: entityId, customerId: entityId }),
  });

export const CreditLineActivated = creditLineEvent("finance.credit_line.active");
export const CreditLineRejected = creditLineEvent("finance.credit_line.rejected");
export const CreditLineSuspended = creditLineEvent("finance.credit_line.suspended");

/** The credit leg of the order confirmation saga said yes: the amount is held against the line. */
export const CreditApproved = defineEvent({
  type: "finance.credit.approved",
  version: 1,
  source: "finance",
  aggregateType: "SalesOrder",
  payload: z.object({ reference: documentReference, amount: money }),
});

/** The credit leg said no; the reason's code is e.g. CREDIT_LIMIT_EXCEEDED or CREDIT_LINE_SUSPENDED. */
export const CreditRefused = defineEvent({
  type: "finance.credit.refused",
  version: 1,
  source: "finance",
  aggregateType: "SalesOrder",
  payload: z.object({ reference: documentReference, reason }),
});

export const InvoiceIssued = defineEvent({
  type: "finance.invoice.issued",
  version: 1,
  source: "finance",
  aggregateType: "Invoice",
  payload: z.object({
    invoiceId: entityId,
    number: z.string(),
    customerId: entityId,
    salesOrderId: entityId.nullable(),
    shipmentId: entityId.nullable(),
    total: money,
  }),
});

export const InvoiceVoided = defineEvent({
  type: "finance.invoice.voided",
  version: 1,
  source: "finance",
  aggregateType: "Invoice",
  payload: z.object({ invoiceId: entityId, reason: z.string() }),
});

export const CreditNoteIssued = defineEvent({
  type: "finance.credit_note.issued",
  version: 1,
  source: "finance",
  aggregateType: "Invoice",
  payload: z.object({ invoiceId: entityId, creditNoteId: entityId, amount: money }),
});

export const PaymentRecorded = defineEvent({
  type: "finance.payment.recorded",
  version: 1,
  source: "finance",
  aggregateType: "Payment",
  payload: z.object({ paymentId: entityId, customerId: entityId, amount: money, allocated: money }),
});

export const PaymentRefunded = defineEvent({
  type: "finance.payment.refunded",
  version: 1,
  source: "finance",
  aggregateType: "Payment",
  payload: z.object({ paymentId: entityId, refundId: entityId, amount: money }),
});

export const JournalPosted = defineEvent({
  type: "finance.journal.posted",
  version: 1,
  source: "finance",
  aggregateType: "JournalEntry",
  payload: z.object({
    journalEntryId: entityId,
    number: z.string(),
    source: documentReference.nullable(),
    reversesId: entityId.nullable(),
  }),
});

export const ReconciliationDiscrepanciesFound = defineEvent({
  type: "finance.reconciliation.discrepancies_found",
  version: 1,
  source: "finance",
  aggregateType: "ReconciliationRun",
  payload: z.object({ runId: entityId, discrepancies: z.number().int(), opened: z.number().int() }),
});

/** An outgoing payment to a supplier against one matched bill (accounts payable / bank). */
export const SupplierPaymentRecorded = defineEvent({
  type: "finance.supplier_payment.recorded",
  version: 1,
  source: "finance",
  aggregateType: "SupplierPayment",
  payload: z.object({
    supplierPaymentId: entityId,
    billId: entityId,
    supplierId: entityId,
    amount: money,
    /** What is still owed on the bill after this payment; zero when it is paid in full. */
    billOutstanding: money,
  }),
});

/** The payable of one payroll run in one currency was settled (payroll payable / bank). */
export const PayrollPaid = defineEvent({
  type: "finance.payroll.paid",
  version: 1,
  source: "finance",
  aggregateType: "PayrollRun",
  payload: z.object({ payrollRunId: entityId, paymentId: entityId, amount: money }),
});

/** Every event finance publishes. */
export const financeEvents = [
  CreditLineRequested,
  CreditLineActivated,
  CreditLineRejected,
  CreditLineSuspended,
  CreditApproved,
  CreditRefused,
  InvoiceIssued,
  InvoiceVoided,
  CreditNoteIssued,
  PaymentRecorded,
  PaymentRefunded,
  JournalPosted,
  ReconciliationDiscrepanciesFound,
  SupplierPaymentRecorded,
  PayrollPaid,
] as const;
