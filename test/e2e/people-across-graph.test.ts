import { type GraphQLClient, newKey, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;

async function data(c: GraphQLClient, query: string, input: Record<string, unknown>) {
  const result = await c.request(query, { i: { idempotencyKey: newKey(), ...input } });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const payload = Object.values(result.data)[0] as { errors?: unknown[] };
  expect(payload.errors ?? []).toEqual([]);
  return payload as any;
}

beforeAll(async () => {
  erp = await startSingleProcess();
  client = await clientOf(erp, "tess@erp.local");
});
afterAll(() => erp?.stop());

describe(`people across the graph on ${testDatabaseKind()}`, () => {
  it("resolves the signed-in person, an account manager, a salesperson and a credit line's requester through HR", async () => {
    const department = (
      await data(
        client,
        `mutation($i: OpenDepartmentInput!) { openDepartment(input: $i) { department { id } errors { code } } }`,
        { code: "SALES", name: "Sales", costCentre: "CC-SALES" },
      )
    ).department;
    const tess = (
      await data(
        client,
        `mutation($i: HireEmployeeInput!) { hireEmployee(input: $i) { employee { id } errors { code } } }`,
        {
          name: "Tess Seller",
          workEmail: "tess@erp.local",
          departmentId: department.id,
          jobTitle: "Account manager",
          hireDate: "2026-01-05",
          employmentType: "FULL_TIME",
          userSubject: "tess@erp.local",
        },
      )
    ).employee;
    const warehouse = (
      await data(
        client,
        `mutation($i: OpenWarehouseInput!) { openWarehouse(input: $i) { warehouse { id } errors { code } } }`,
        { code: "W-P", name: "People" },
      )
    ).warehouse;
    const product = (
      await data(
        client,
        `mutation($i: RegisterProductInput!) { registerProduct(input: $i) { product { id } errors { code } } }`,
        {
          sku: "P-PEOPLE",
          name: "Desk",
          unitOfMeasure: "PIECE",
          type: "STOCKED",
          standardCost: { amount: "10.00", currency: "EUR" },
          listPrice: { amount: "20.00", currency: "EUR" },
        },
      )
    ).product;
    const customer = (
      await data(
        client,
        `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { customer { id } errors { code } } }`,
        { name: "People AG" },
      )
    ).customer;
    // CRM, sales and finance learn the employee, the customer, the product and the warehouse from events.
    await erp.settle();

    await data(
      client,
      `mutation($i: AssignAccountManagerInput!) { assignAccountManager(input: $i) { errors { code } } }`,
      { customerId: customer.id, employeeId: tess.id },
    );
    const order = (
      await data(
        client,
        `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } errors { code } } }`,
        {
          customerId: customer.id,
          warehouseId: warehouse.id,
          currency: "EUR",
          lines: [{ productId: product.id, quantity: "1" }],
          salespersonId: tess.id,
        },
      )
    ).salesOrder;
    await data(client, `mutation($i: RequestCreditLineInput!) { requestCreditLine(input: $i) { errors { code } } }`, {
      customerId: customer.id,
      limit: { amount: "500.00", currency: "EUR" },
    });

    const { data: read, errors } = await client.request(
      `query($c: ID!, $o: ID!) {
        me { employee { name } }
        customer(id: $c) { accountManager { name } creditLine { requester { name userSubject } } }
        salesOrder(id: $o) { salesperson { name department { id } } }
      }`,
      { c: customer.id, o: order.id },
    );
    expect(errors).toBeUndefined();
    expect(read).toEqual({
      me: { employee: { name: "Tess Seller" } },
      customer: {
        accountManager: { name: "Tess Seller" },
        creditLine: { requester: { name: "Tess Seller", userSubject: "tess@erp.local" } },
      },
      salesOrder: { salesperson: { name: "Tess Seller", department: { id: department.id } } },
    });

    // Someone HR does not know is nobody's employee: null, not an error.
    const stranger = await clientOf(erp, "stranger@erp.local");
    const me = await stranger.request(`{ me { employee { name } } }`);
    expect(me.data.me.employee).toBeNull();
  });

  it("books a posted payroll run in finance, pays it once, and HR sees the run PAID with the books balanced", async () => {
    const department = (
      await data(
        client,
        `mutation($i: OpenDepartmentInput!) { openDepartment(input: $i) { department { id } errors { code } } }`,
        { code: "PAYROLL", name: "Payroll", costCentre: "CC-PAY" },
      )
    ).department;
    const paul = (
      await data(
        client,
        `mutation($i: HireEmployeeInput!) { hireEmployee(input: $i) { employee { id } errors { code } } }`,
        {
          name: "Paul Payee",
          workEmail: "paul@erp.local",
          departmentId: department.id,
          jobTitle: "Clerk",
          hireDate: "2026-01-05",
          employmentType: "FULL_TIME",
        },
      )
    ).employee;
    await data(client, `mutation($i: EmployeeActionInput!) { activateEmployee(input: $i) { errors { code } } }`, {
      employeeId: paul.id,
    });
    await data(client, `mutation($i: ChangeCompensationInput!) { changeCompensation(input: $i) { errors { code } } }`, {
      employeeId: paul.id,
      amount: { amount: "3000.00", currency: "EUR" },
      period: "MONTH",
      effectiveFrom: "2026-01-05",
    });
    const run = (
      await data(
        client,
        `mutation($i: PreparePayrollRunInput!) { preparePayrollRun(input: $i) { payrollRun { id totals { amount currency } } errors { code } } }`,
        { period: "2026-10", kind: "REGULAR" },
      )
    ).payrollRun;
    const boss = await clientOf(erp, "boss@erp.local");
    await data(boss, `mutation($i: PayrollRunActionInput!) { approvePayrollRun(input: $i) { errors { code } } }`, {
      payrollRunId: run.id,
    });
    await data(client, `mutation($i: PayrollRunActionInput!) { postPayrollRun(input: $i) { errors { code } } }`, {
      payrollRunId: run.id,
    });
    await erp.settle();

    const pay = (idempotencyKey: string) =>
      client.request(
        `mutation($i: PayPayrollInput!) { payPayroll(input: $i) { payrollPayable { amount { amount currency } paid } errors { code } } }`,
        { i: { idempotencyKey, payrollRunId: run.id, currency: "EUR" } },
      );
    const key = newKey();
    const paid = (await pay(key)).data.payPayroll;
    expect(paid).toEqual({
      payrollPayable: { amount: { amount: "3000.00", currency: "EUR" }, paid: true },
      errors: [],
    });
    expect((await pay(key)).data.payPayroll).toEqual(paid);
    await erp.settle();

    const { data: after } = await client.request(
      `query($id: ID!) { payrollRun(id: $id) { status } trialBalance { totals { debit { amount } credit { amount } } rows { account { code } balance { amount } } } }`,
      { id: run.id },
    );
    expect(after.payrollRun.status).toBe("PAID");
    for (const t of after.trialBalance.totals) expect(t.debit.amount).toBe(t.credit.amount);
    const balance = (code: string) => after.trialBalance.rows.find((r: any) => r.account.code === code)?.balance.amount;
    expect([balance("6000"), balance("2300"), balance("1000")]).toEqual(["3000.00", "0.00", "-3000.00"]);
  });
});
