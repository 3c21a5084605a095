import { type GraphQLClient, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

/**
 * `node(nodeType, id)` for every type graph-references.test.ts does not look up: one entity of each,
 * created through the public mutations, fetched back by its type and id with its owning domain's fields.
 */
let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;
let keys = 0;

async function data(query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

/** The mutations whose input type is not named after them. */
const INPUT_TYPES: Record<string, string> = { activateEmployee: "EmployeeActionInput" };

/** Runs one public mutation with a fresh idempotency key and returns its payload, which must carry no errors. */
async function mutate(mutation: string, input: Record<string, unknown>, select: string) {
  const inputType = INPUT_TYPES[mutation] ?? `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const result = await data(
    `mutation($i: ${inputType}!) { ${mutation}(input: $i) { ${select} errors { code field message } } }`,
    { i: { idempotencyKey: `node-${++keys}`, ...input } },
  );
  expect(result[mutation].errors).toEqual([]);
  return result[mutation];
}

/** What each lookup asks for and must answer: [type, id, selection, expected fields]. */
const cases: [string, string, string, Record<string, unknown>][] = [];

beforeAll(async () => {
  erp = await startSingleProcess();
  client = await clientOf(erp);

  // crm: a lead, qualified and converted into a customer and its opening opportunity.
  const { lead } = await mutate("captureLead", { name: "Nora Node", companyName: "Node Works" }, "lead { id }");
  await mutate("qualifyLead", { leadId: lead.id }, "lead { id }");
  const converted = await mutate(
    "convertLead",
    {
      leadId: lead.id,
      customerName: "Node Works",
      opportunityTitle: "Node rollout",
      opportunityAmount: { amount: "5000.00", currency: "EUR" },
    },
    "customer { id } opportunity { id }",
  );
  cases.push(
    ["Lead", lead.id, "... on Lead { name companyName }", { name: "Nora Node", companyName: "Node Works" }],
    ["Opportunity", converted.opportunity.id, "... on Opportunity { title }", { title: "Node rollout" }],
  );

  // inventory: a product and a warehouse that sales and procurement learn of through events.
  const { product } = await mutate(
    "registerProduct",
    {
      sku: "NODE-1",
      name: "Node product",
      unitOfMeasure: "PIECE",
      type: "STOCKED",
      standardCost: { amount: "5.00", currency: "EUR" },
      listPrice: { amount: "9.00", currency: "EUR" },
    },
    "product { id }",
  );
  const { warehouse } = await mutate("openWarehouse", { code: "NODE-W", name: "Node warehouse" }, "warehouse { id }");
  await erp.settle();

  // sales: a quote for the converted customer.
  const { quote } = await mutate(
    "createQuote",
    {
      customerId: converted.customer.id,
      currency: "EUR",
      validUntil: "2027-01-31",
      lines: [{ productId: product.id, quantity: "2" }],
    },
    "quote { id number }",
  );
  cases.push(["Quote", quote.id, "... on Quote { number }", { number: quote.number }]);

  // procurement: supplier → purchase order → goods receipt → supplier bill.
  const { supplier } = await mutate(
    "registerSupplier",
    { name: "Node Supplies", currency: "EUR", paymentTermsDays: 30 },
    "supplier { id }",
  );
  const { purchaseOrder } = await mutate(
    "draftPurchaseOrder",
    { supplierId: supplier.id, lines: [{ productId: product.id, quantity: "10", unitPrice: "5.00" }] },
    "purchaseOrder { id number lines { id } }",
  );
  // 50.00 EUR is below the approval threshold: submitting approves it.
  const submitted = await mutate(
    "submitPurchaseOrder",
    { purchaseOrderId: purchaseOrder.id },
    "purchaseOrder { status }",
  );
  expect(submitted.purchaseOrder.status).toBe("APPROVED");
  const lineId = purchaseOrder.lines[0].id;
  const { goodsReceipt } = await mutate(
    "receiveGoods",
    {
      purchaseOrderId: purchaseOrder.id,
      warehouseId: warehouse.id,
      lines: [{ purchaseOrderLineId: lineId, quantity: "10" }],
    },
    "goodsReceipt { id number }",
  );
  const { supplierBill } = await mutate(
    "recordSupplierBill",
    {
      supplierId: supplier.id,
      purchaseOrderId: purchaseOrder.id,
      supplierInvoiceNumber: "SUP-INV-NODE-1",
      billDate: "2026-11-30",
      lines: [{ purchaseOrderLineId: lineId, quantity: "10", unitPrice: "5.00" }],
    },
    "supplierBill { id }",
  );
  cases.push(
    ["Supplier", supplier.id, "... on Supplier { name }", { name: "Node Supplies" }],
    ["PurchaseOrder", purchaseOrder.id, "... on PurchaseOrder { number }", { number: purchaseOrder.number }],
    ["GoodsReceipt", goodsReceipt.id, "... on GoodsReceipt { number }", { number: goodsReceipt.number }],
    [
      "SupplierBill",
      supplierBill.id,
      "... on SupplierBill { supplierInvoiceNumber }",
      { supplierInvoiceNumber: "SUP-INV-NODE-1" },
    ],
  );

  // hr: a department, an active paid employee, a leave request and a payroll run.
  const { department } = await mutate(
    "openDepartment",
    { code: "NODE-D", name: "Node department", costCentre: "CC-NODE" },
    "department { id }",
  );
  const { employee } = await mutate(
    "hireEmployee",
    {
      name: "Ed Employee",
      workEmail: "ed@erp.local",
      departmentId: department.id,
      jobTitle: "Clerk",
      hireDate: "2026-01-05",
      employmentType: "FULL_TIME",
    },
    "employee { id }",
  );
  await mutate("activateEmployee", { employeeId: employee.id }, "employee { id }");
  await mutate(
    "changeCompensation",
    {
      employeeId: employee.id,
      amount: { amount: "3000.00", currency: "EUR" },
      period: "MONTH",
      effectiveFrom: "2026-01-05",
    },
    "employee { id }",
  );
  const { leaveType } = await mutate(
    "defineLeaveType",
    { code: "NODE-L", name: "Node leave", yearlyAllowanceDays: 20, allowUnpaidBeyondBalance: false },
    "leaveType { id }",
  );
  const { leaveRequest } = await mutate(
    "requestLeave",
    { employeeId: employee.id, leaveTypeId: leaveType.id, startDate: "2026-12-14", endDate: "2026-12-15" },
    "leaveRequest { id }",
  );
  const { payrollRun } = await mutate("preparePayrollRun", { period: "2026-10", kind: "REGULAR" }, "payrollRun { id }");
  cases.push(
    ["Department", department.id, "... on Department { code name }", { code: "NODE-D", name: "Node department" }],
    ["Employee", employee.id, "... on Employee { name workEmail }", { name: "Ed Employee", workEmail: "ed@erp.local" }],
    [
      "LeaveRequest",
      leaveRequest.id,
      "... on LeaveRequest { startDate endDate }",
      { startDate: "2026-12-14", endDate: "2026-12-15" },
    ],
    ["PayrollRun", payrollRun.id, "... on PayrollRun { period kind }", { period: "2026-10", kind: "REGULAR" }],
  );

  // identity: a partner's API key.
  const { apiKey } = await mutate("issueApiKey", { name: "Node partner", scopes: ["crm:read"] }, "apiKey { id }");
  cases.push(["ApiKey", apiKey.id, "... on ApiKey { name scopes }", { name: "Node partner", scopes: ["crm:read"] }]);
}, 300_000);
afterAll(() => erp?.stop());

const lookup = (nodeType: string, id: string, fields: string) =>
  data(`query($t: NodeType!, $id: ID!) { node(nodeType: $t, id: $id) { __typename id ${fields} } }`, {
    t: nodeType,
    id,
  });

describe(`node lookup for every other type on ${testDatabaseKind()}`, () => {
  it("covers every NodeType value with graph-references.test.ts", async () => {
    const { __type } = await data(`{ __type(name: "NodeType") { enumValues { name } } }`);
    const elsewhere = ["Customer", "Product", "Warehouse", "StockAdjustment", "SalesOrder", "Invoice", "Payment"];
    expect(__type.enumValues.map((v: { name: string }) => v.name).sort()).toEqual(
      [...elsewhere, ...cases.map(([type]) => type)].sort(),
    );
  });

  it("fetches each entity created through the public mutations by its type and id", async () => {
    const answers: Record<string, unknown> = {};
    for (const [type, id, fields] of cases) answers[type] = (await lookup(type, id, fields)).node;
    expect(answers).toEqual(
      Object.fromEntries(cases.map(([type, id, , expected]) => [type, { __typename: type, id, ...expected }])),
    );
  });

  it("answers null for an existing id asked for as another type", async () => {
    const [, purchaseOrderId] = cases.find(([type]) => type === "PurchaseOrder")!;
    expect((await lookup("GoodsReceipt", purchaseOrderId, "... on GoodsReceipt { number }")).node).toBeNull();
  });
});
