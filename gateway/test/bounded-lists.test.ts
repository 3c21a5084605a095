import { composeServices } from "@apollo/composition";
import { subgraphTypeDefs } from "@erp/core";
import {
  buildSchema,
  type GraphQLField,
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isObjectType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { subgraphModules } from "../src/subgraphs.js";

/** The documented hard cap of a list: "At most 500." in its description, enforced by its resolver. */
const CAP = /\bat most (\d+)\b/i;

/**
 * Lists bounded by what holds them, not by the business's size: a document's lines (each input
 * takes a bounded number of lines), one row per currency, approvals (a fixed number per order), the
 * scope catalogue, the documents one alert names. A new entry needs the same argument.
 */
const BOUNDED_BY_PARENT = new Set([
  "SalesOrder.lines",
  "Quote.lines",
  "Shipment.lines",
  "Invoice.lines",
  "JournalEntry.lines",
  "PurchaseOrder.lines",
  "GoodsReceipt.lines",
  "SupplierBill.lines",
  "SupplierBill.holdReasons",
  "ReserveStockPayload.reservations",
  "ApAging.totals",
  "TrialBalance.totals",
  "PayrollRun.totals",
  "InterestAccrualPayload.accrued",
  "PurchaseOrder.approvals",
  "CreditLine.approvers",
  "CreditLine.approvedBy",
  "Caller.roles",
  "Caller.scopes",
  "ApiKey.scopes",
  "ReconciliationAlert.documents",
  // One row per currency, or per kind of stock movement (an enum).
  "ProfitAndLoss.currencies",
  "BalanceSheet.currencies",
  "ReceivablesAging.totals",
  "SalesReport.totals",
  "ShippedPositionReportPayload.positions",
  "ProductStockMovements.byKind",
  // One row per ledger account, bounded by the chart of accounts (accounts: at most 500).
  "ProfitAndLossInCurrency.revenue",
  "ProfitAndLossInCurrency.expenses",
  "BalanceSheetInCurrency.assets",
  "BalanceSheetInCurrency.liabilities",
  "BalanceSheetInCurrency.equity",
]);

function publicSchema() {
  const result = composeServices(
    subgraphModules().map((m) => ({ name: m.name, typeDefs: subgraphTypeDefs(m), url: "http://unused" })),
  );
  expect(result.errors).toBeUndefined();
  return result.schema!.toAPISchema().toGraphQLJSSchema();
}

/**
 * A list field is bounded when it pages (a `first` or `last` argument), documents a hard cap, is a
 * page itself (a connection's edges and nodes), lists a refusal's errors (bounded by the input),
 * is bounded by its parent (above), or lists values of an enum (a fixed set).
 */
function bounded(typeName: string, field: GraphQLField<unknown, unknown>): boolean {
  if (!isListType(getNullableType(field.type))) return true;
  if (BOUNDED_BY_PARENT.has(`${typeName}.${field.name}`)) return true;
  if (typeName.endsWith("Payload") && field.name === "errors") return true;
  // A UserError's field is a path into the input, as deep as the input is.
  if (typeName.endsWith("Error") && field.name === "field") return true;
  if (field.args.some((a) => a.name === "first" || a.name === "last")) return true;
  if (CAP.test(field.description ?? "")) return true;
  if (typeName.endsWith("Connection") && ["edges", "nodes"].includes(field.name)) return true;
  return isEnumType(getNamedType(field.type));
}

describe("no list of the public graph grows without bound", () => {
  it("pages every list field, or documents its hard cap ('At most N.')", () => {
    const schema = publicSchema();
    const unbounded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields()))
        if (!bounded(type.name, field)) unbounded.push(`${type.name}.${field.name}`);
    }
    expect(unbounded).toEqual([]);
  });

  it("states its caps as numbers the resolvers enforce, none above 2000", () => {
    const schema = publicSchema();
    const caps = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((t) => Object.values(t.getFields()).map((f) => Number(CAP.exec(f.description ?? "")?.[1] ?? 0)));
    expect(caps.filter((n) => n > 0).length).toBeGreaterThan(30);
    expect(Math.max(...caps)).toBeLessThanOrEqual(2000);
  });

  it("fails on a list that grows with the business and neither pages nor states a cap", () => {
    const schema = buildSchema(`
      type Query { warehouses: [Warehouse!]! "Every warehouse. At most 500." capped: [Warehouse!]!
                   paged(first: Int): [Warehouse!]! }
      type Warehouse { code: String! }`);
    const fields = schema.getQueryType()!.getFields();
    expect([
      bounded("Query", fields.warehouses!),
      bounded("Query", fields.capped!),
      bounded("Query", fields.paged!),
    ]).toEqual([false, true, true]);
  });
});
