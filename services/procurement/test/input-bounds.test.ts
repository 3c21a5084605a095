import { refusedMutation, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();

describe(`procurement input bounds on ${testDatabaseKind()}`, () => {
  const refused = (mutation: string, inputType: string, input: Record<string, unknown>) =>
    refusedMutation(env.client, env.database.db, "procurement", mutation, inputType, input);

  it("refuses oversized names, bad payment terms and too many contacts with nothing written", async () => {
    const base = { name: "Supplier", currency: "EUR", paymentTermsDays: 30 };
    expect(await refused("registerSupplier", "RegisterSupplierInput", { ...base, name: "x".repeat(201) })).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["name"] }),
    ]);
    expect(await refused("registerSupplier", "RegisterSupplierInput", { ...base, paymentTermsDays: 366 })).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["paymentTermsDays"] }),
    ]);
    const contacts = Array.from({ length: 21 }, () => ({ name: "A" }));
    expect(await refused("registerSupplier", "RegisterSupplierInput", { ...base, contacts })).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["contacts"] }),
    ]);
  });

  it("refuses quantities and prices beyond their columns or precision, and an expected date years ahead", async () => {
    const [s, p] = [await env.supplier(), await env.product()];
    const line = (l: Record<string, unknown>) => ({
      supplierId: s,
      lines: [{ productId: p, quantity: "1", unitPrice: "1", ...l }],
    });
    for (const [l, field] of [
      [{ quantity: "10000000000000" }, "lines.0.quantity"],
      [{ quantity: "1.5" }, "lines.0.quantity"],
      [{ quantity: "0" }, "lines.0.quantity"],
      [{ unitPrice: "1.00001" }, "lines.0.unitPrice"],
      [{ unitPrice: "1000000000000" }, "lines.0.unitPrice"],
      [{ expectedDate: "2999-01-01" }, "lines.0.expectedDate"],
    ] as const)
      expect(await refused("draftPurchaseOrder", "DraftPurchaseOrderInput", line(l))).toEqual([
        expect.objectContaining({ code: "VALIDATION_FAILED", field: field.split(".") }),
      ]);
    expect(await refused("draftPurchaseOrder", "DraftPurchaseOrderInput", { supplierId: s, lines: [] })).toEqual([
      expect.objectContaining({ code: "VALIDATION_FAILED", field: ["lines"] }),
    ]);
  });

  it("refuses a bill dated years back and an invoice number too long", async () => {
    const { order, supplierId } = await env.approvedOrder("1", "1.00");
    const bill = {
      supplierId,
      purchaseOrderId: order.id,
      supplierInvoiceNumber: "B-1",
      billDate: env.clock.today(),
      lines: [{ purchaseOrderLineId: order.lines[0].id, quantity: "1", unitPrice: "1" }],
    };
    expect(await refused("recordSupplierBill", "RecordSupplierBillInput", { ...bill, billDate: "2001-01-01" })).toEqual(
      [expect.objectContaining({ code: "VALIDATION_FAILED", field: ["billDate"] })],
    );
    expect(
      await refused("recordSupplierBill", "RecordSupplierBillInput", {
        ...bill,
        supplierInvoiceNumber: "x".repeat(101),
      }),
    ).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["supplierInvoiceNumber"] })]);
  });
});
