import { randomUUID } from "node:crypto";
import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useProcurement } from "./harness.js";

const env = useProcurement();
const SUPPLIER = "supplier { id code name status version contacts { name email } } errors { code field message }";

describe(`suppliers and their prices on ${testDatabaseKind()}`, () => {
  it("registers an ACTIVE supplier with a generated code and contacts, and announces its snapshot", async () => {
    const { supplier, errors } = await env.mutate("registerSupplier", "RegisterSupplierInput", SUPPLIER, {
      name: "Holz GmbH",
      taxId: "DE123456789",
      currency: "EUR",
      paymentTermsDays: 14,
      contacts: [{ name: "Anna Holz", email: "anna@holz.example", role: "Sales" }],
    });
    expect(errors).toEqual([]);
    expect(supplier).toMatchObject({
      status: "ACTIVE",
      version: 1,
      contacts: [{ name: "Anna Holz", email: "anna@holz.example" }],
    });
    expect(supplier.code).toMatch(/^SUP-\d{6}$/);
    const [event] = (await env.outbox("procurement.supplier.registered")).filter((e) => e.aggregate_id === supplier.id);
    expect(event?.payload).toEqual({
      supplierId: supplier.id,
      code: supplier.code,
      name: "Holz GmbH",
      currency: "EUR",
      paymentTermsDays: 14,
      status: "ACTIVE",
      version: 1,
    });
  });

  it("updates details at the expected version, blocks and unblocks, each a newer snapshot", async () => {
    const id = await env.supplier();
    const updated = await env.mutate("updateSupplierDetails", "UpdateSupplierDetailsInput", SUPPLIER, {
      supplierId: id,
      expectedVersion: 1,
      name: "Schrauben AG & Co",
      paymentTermsDays: 45,
    });
    expect(updated.supplier).toMatchObject({ name: "Schrauben AG & Co", version: 2 });
    const stale = await env.mutate("updateSupplierDetails", "UpdateSupplierDetailsInput", SUPPLIER, {
      supplierId: id,
      expectedVersion: 1,
      name: "x",
    });
    expect(stale.errors).toEqual([expect.objectContaining({ code: "VERSION_CONFLICT" })]);
    const blocked = await env.mutate("blockSupplier", "BlockSupplierInput", SUPPLIER, {
      supplierId: id,
      reason: "Fraud check",
    });
    expect(blocked.supplier).toMatchObject({ status: "BLOCKED", version: 3 });
    const twice = await env.mutate("blockSupplier", "BlockSupplierInput", SUPPLIER, {
      supplierId: id,
      reason: "again",
    });
    expect(twice.errors).toEqual([expect.objectContaining({ code: "INVALID_STATE_TRANSITION" })]);
    const unblocked = await env.mutate("unblockSupplier", "UnblockSupplierInput", SUPPLIER, { supplierId: id });
    expect(unblocked.supplier).toMatchObject({ status: "ACTIVE", version: 4 });
    const versions = [
      ...(await env.outbox("procurement.supplier.details_updated")),
      ...(await env.outbox("procurement.supplier.blocked")),
      ...(await env.outbox("procurement.supplier.unblocked")),
    ]
      .filter((e) => e.aggregate_id === id)
      .map((e) => [e.payload.status, e.payload.version]);
    expect(versions).toEqual([
      ["ACTIVE", 2],
      ["BLOCKED", 3],
      ["ACTIVE", 4],
    ]);
  });

  it("refuses a duplicate supplier code with nothing written", async () => {
    await env.supplier({ code: "DUP-1" });
    const before = await env.snapshot();
    const { errors } = await env.mutate("registerSupplier", "RegisterSupplierInput", SUPPLIER, {
      code: "DUP-1",
      name: "Other",
      currency: "EUR",
      paymentTermsDays: 0,
    });
    expect(errors).toEqual([expect.objectContaining({ code: "SUPPLIER_CODE_TAKEN", field: ["code"] })]);
    expect(await env.snapshot()).toEqual(before);
  });

  it("sets prices per product, the preferred supplier, and shows them, the last purchase price and what is on order on the product", async () => {
    const [a, b, p] = [await env.supplier(), await env.supplier(), await env.product()];
    const price = (supplierId: string, amount: string, preferred: boolean) =>
      env.mutate(
        "setSupplierPrice",
        "SetSupplierPriceInput",
        "supplierPrice { id preferred price { amount } } errors { code field }",
        {
          supplierId,
          productId: p,
          price: { amount, currency: "EUR" },
          leadTimeDays: 7,
          minimumQuantity: "10",
          preferred,
        },
      );
    await price(a, "3.00", false);
    expect((await price(b, "2.80", true)).supplierPrice).toMatchObject({ preferred: true, price: { amount: "2.80" } });
    const drafted = await env.draft(b, [{ productId: p, quantity: "25" }], "buyer@erp.local");
    await env.submit(drafted.purchaseOrder.id, "buyer@erp.local");
    const { data } = await env.client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product {
        suppliers { supplier { id } price { amount } minimumQuantity preferred }
        preferredSupplier { id } lastPurchasePrice { amount currency } onOrder } } }`,
      { r: [{ __typename: "Product", id: p }] },
    );
    expect(data._entities[0]).toEqual({
      suppliers: expect.arrayContaining([
        { supplier: { id: a }, price: { amount: "3.00" }, minimumQuantity: "10", preferred: false },
        { supplier: { id: b }, price: { amount: "2.80" }, minimumQuantity: "10", preferred: true },
      ]),
      preferredSupplier: { id: b },
      lastPurchasePrice: { amount: "2.80", currency: "EUR" },
      onOrder: "25",
    });
  });

  it("refuses a price for an unknown product, a non-positive price and a price in a currency stock is not valued in", async () => {
    const s = await env.supplier();
    const p = await env.product();
    const before = await env.snapshot();
    const set = (productId: string, amount: string, currency = "EUR") =>
      env.mutate("setSupplierPrice", "SetSupplierPriceInput", "errors { code field }", {
        supplierId: s,
        productId,
        price: { amount, currency },
        leadTimeDays: 1,
      });
    expect((await set(randomUUID(), "1.00")).errors).toEqual([{ code: "PRODUCT_NOT_FOUND", field: ["productId"] }]);
    expect((await set(p, "0")).errors).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED" })]);
    expect((await set(p, "1.00", "USD")).errors).toEqual([{ code: "CURRENCY_MISMATCH", field: ["productId"] }]);
    expect(await env.snapshot()).toEqual(before);
  });

  it("lists suppliers by status as a connection", async () => {
    const id = await env.supplier();
    await env.mutate("blockSupplier", "BlockSupplierInput", SUPPLIER, { supplierId: id, reason: "x" });
    const { data } = await env.client.request(
      `{ suppliers(first: 100, filter: { status: BLOCKED }) { nodes { id status } pageInfo { hasNextPage } } }`,
    );
    expect(data.suppliers.nodes).toContainEqual({ id, status: "BLOCKED" });
    expect(data.suppliers.nodes.every((n: any) => n.status === "BLOCKED")).toBe(true);
  });
});
