import { employeeSnapshot, newKey, refusedMutation, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useCrm } from "./harness.js";

const env = useCrm();

const ASSIGN = `mutation($i: AssignAccountManagerInput!) {
  assignAccountManager(input: $i) {
    customer { id version accountManagerId accountManager { __typename id } }
    errors { code field message }
  }
}`;
const assign = (customerId: string, employeeId: string, idempotencyKey = newKey()) =>
  env.client.request(ASSIGN, { i: { idempotencyKey, customerId, employeeId } });

/** HR hired someone; CRM's handler remembers them. */
async function hired(overrides: Record<string, unknown> = {}) {
  const employee = employeeSnapshot(overrides);
  await env.deliver("hr.employee.hired", employee);
  return employee;
}

const refused = (input: Record<string, unknown>) =>
  refusedMutation(env.client, env.database.db, "crm", "assignAccountManager", "AssignAccountManagerInput", input);

describe(`account managers on ${testDatabaseKind()}`, () => {
  it("assigns a known employee, refers to them for HR to resolve, and lists the customers they manage", async () => {
    const customer = await env.make.customer();
    const other = await env.make.customer();
    const anna = await hired({ name: "Anna Berg" });
    const { data } = await assign(customer.id, anna.employeeId);
    expect(data.assignAccountManager).toEqual({
      customer: {
        id: customer.id,
        version: customer.version + 1,
        accountManagerId: anna.employeeId,
        accountManager: { __typename: "Employee", id: anna.employeeId },
      },
      errors: [],
    });
    const list = await env.client.request(
      `query($m: ID) { customers(filter: { accountManagerId: $m }) { nodes { id accountManager { id } } } }`,
      { m: anna.employeeId },
    );
    expect(list.data.customers.nodes).toEqual([{ id: customer.id, accountManager: { id: anna.employeeId } }]);
    const unmanaged = await env.client.request(`query($id: ID!) { customer(id: $id) { accountManager { id } } }`, {
      id: other.id,
    });
    expect(unmanaged.data.customer.accountManager).toBeNull();
    expect(
      await env.count("crm.audit_log", `aggregate_id = '${customer.id}' and operation = 'assignAccountManager'`),
    ).toBe(1);
  });

  it("a retried assignment returns the first answer and changes nothing more", async () => {
    const customer = await env.make.customer();
    const ben = await hired();
    const key = newKey();
    const first = (await assign(customer.id, ben.employeeId, key)).data.assignAccountManager;
    const again = (await assign(customer.id, ben.employeeId, key)).data.assignAccountManager;
    expect(again).toEqual(first);
    expect(first.customer.version).toBe(customer.version + 1);
  });

  it("refuses an employee CRM does not know, one who was terminated, and an unknown customer, writing nothing", async () => {
    const customer = await env.make.customer();
    expect(await refused({ customerId: customer.id, employeeId: employeeSnapshot().employeeId })).toEqual([
      expect.objectContaining({ code: "EMPLOYEE_NOT_FOUND", field: ["employeeId"] }),
    ]);
    const carl = await hired({ name: "Carl Diaz" });
    await env.deliver("hr.employee.terminated", { ...carl, status: "TERMINATED", version: 3 });
    expect(await refused({ customerId: customer.id, employeeId: carl.employeeId })).toEqual([
      expect.objectContaining({ code: "EMPLOYEE_TERMINATED", field: ["employeeId"] }),
    ]);
    expect(
      await refused({ customerId: employeeSnapshot().employeeId, employeeId: (await hired()).employeeId }),
    ).toEqual([expect.objectContaining({ code: "CUSTOMER_NOT_FOUND", field: ["customerId"] })]);
  });

  it("keeps the newest employee snapshot: a late, older event does not bring a terminated employee back", async () => {
    const customer = await env.make.customer();
    const dana = await hired({ name: "Dana" });
    await env.deliver("hr.employee.terminated", { ...dana, status: "TERMINATED", version: 3 });
    await env.deliver("hr.employee.details_changed", { ...dana, name: "Dana Old", status: "ACTIVE", version: 2 });
    expect(await refused({ customerId: customer.id, employeeId: dana.employeeId })).toEqual([
      expect.objectContaining({ code: "EMPLOYEE_TERMINATED" }),
    ]);
    const rehired = { ...dana, name: "Dana Rehired", status: "ACTIVE", version: 4 };
    await env.deliver("hr.employee.details_changed", rehired);
    expect((await assign(customer.id, dana.employeeId)).data.assignAccountManager.errors).toEqual([]);
  });

  it("refuses assignAccountManager without crm:write", async () => {
    const customer = await env.make.customer();
    const eve = await hired();
    const { errors } = await env
      .as({ subject: "reader", kind: "person", roles: [], scopes: ["crm:read"] })
      .request(ASSIGN, { i: { idempotencyKey: newKey(), customerId: customer.id, employeeId: eve.employeeId } });
    expect(errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
