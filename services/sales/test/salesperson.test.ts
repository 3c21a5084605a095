import { sql } from "@erp/core";
import { employeeSnapshot, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useSales } from "./harness.js";

const env = useSales();

/** HR hired someone; sales' handler remembers them. */
async function hired(overrides: Record<string, unknown> = {}) {
  const employee = employeeSnapshot(overrides);
  await env.deliver("hr.employee.hired", employee);
  return employee;
}

const SALESPERSON = "salesOrder { id salespersonId salesperson { __typename id } } errors { code field message }";

describe(`salespeople on ${testDatabaseKind()}`, () => {
  it("names a known employee as an order's salesperson, a reference HR resolves", async () => {
    const [customer, product, seller] = [
      await env.customer(),
      await env.product(),
      await hired({ name: "Sam Seller" }),
    ];
    const { data } = await env.client.request(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${SALESPERSON} } }`,
      {
        i: {
          idempotencyKey: `order-${seller.employeeId}`,
          customerId: customer,
          warehouseId: env.warehouseId,
          currency: "EUR",
          lines: [{ productId: product, quantity: "1" }],
          salespersonId: seller.employeeId,
        },
      },
    );
    expect(data.placeSalesOrder.errors).toEqual([]);
    expect(data.placeSalesOrder.salesOrder).toMatchObject({
      salespersonId: seller.employeeId,
      salesperson: { __typename: "Employee", id: seller.employeeId },
    });
    const unnamed = await env.place(customer, [{ productId: product, quantity: "1" }]);
    const { data: read } = await env.client.request(
      `query($id: ID!) { salesOrder(id: $id) { salesperson { id } salespersonName } }`,
      { id: unnamed.data.placeSalesOrder.salesOrder.id },
    );
    expect(read.salesOrder).toEqual({ salesperson: null, salespersonName: null });
  });

  it("refuses a salesperson sales does not know and one who was terminated, writing nothing", async () => {
    const [customer, product] = [await env.customer(), await env.product()];
    const gone = await hired({ name: "Gone Gabi" });
    await env.deliver("hr.employee.terminated", { ...gone, status: "TERMINATED", version: 2 });
    for (const [salespersonId, code] of [
      [employeeSnapshot().employeeId, "EMPLOYEE_NOT_FOUND"],
      [gone.employeeId, "EMPLOYEE_TERMINATED"],
    ] as const) {
      const before = await env.snapshot();
      const { data } = await env.place(customer, [{ productId: product, quantity: "1" }], { salespersonId });
      expect(data.placeSalesOrder.errors).toEqual([expect.objectContaining({ code, field: ["salespersonId"] })]);
      expect(await env.snapshot()).toEqual(before);
    }
  });

  it("keeps the free text of orders placed before salespeople were employees readable as salespersonName", async () => {
    const [customer, product] = [await env.customer(), await env.product()];
    const order = (await env.place(customer, [{ productId: product, quantity: "1" }])).data.placeSalesOrder.salesOrder;
    // As migration 0005 left an older order: its free text renamed, no employee.
    await sql`update sales.sales_orders set salesperson_name = 'Dana Seller' where id = ${order.id}`.execute(
      env.database.db,
    );
    const { data } = await env.client.request(
      `query($id: ID!) { salesOrder(id: $id) { salesperson { id } salespersonName } }`,
      { id: order.id },
    );
    expect(data.salesOrder).toEqual({ salesperson: null, salespersonName: "Dana Seller" });
  });
});
