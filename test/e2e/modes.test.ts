import { type GraphQLClient, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, type RunningErp, SPLIT_START_MS, startSingleProcess, startSplit } from "../src/harness.js";

const CUSTOMER = "id code name email status version billingAddress { city country }";

/** A CRM journey with successes and every kind of refusal, as a client sees it. */
async function journey(client: GraphQLClient) {
  const steps: unknown[] = [];
  const call = async (query: string, variables?: Record<string, unknown>) => {
    const result = await client.request(query, variables);
    steps.push(result);
    return result;
  };
  const registered = await call(
    `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { ${CUSTOMER} } errors { code field message } } }`,
    {
      input: {
        idempotencyKey: "journey-1",
        name: "Journey GmbH",
        email: "ap@journey.example",
        billingAddress: { line1: "Weg 1", postalCode: "10115", city: "Berlin", country: "DE" },
      },
    },
  );
  const customerId = registered.data.registerCustomer.customer.id;
  await call(
    `mutation($input: AddContactInput!) { addContact(input: $input) { contact { name customer { code } } errors { code field message } } }`,
    { input: { idempotencyKey: "journey-2", customerId, name: "Jo Buyer", jobTitle: "Buyer" } },
  );
  await call(
    `mutation($input: UpdateCustomerDetailsInput!) { updateCustomerDetails(input: $input) { customer { ${CUSTOMER} } errors { code field message } } }`,
    { input: { idempotencyKey: "journey-3", customerId, expectedVersion: 7, name: "Stale" } },
  );
  const lead = await call(
    `mutation { captureLead(input: { idempotencyKey: "journey-4", name: "Lee", companyName: "Lee Ltd" }) { lead { id status availableActions } errors { code message } } }`,
  );
  const leadId = lead.data.captureLead.lead.id;
  await call(
    `mutation($id: ID!) { convertLead(input: { idempotencyKey: "journey-5", leadId: $id, opportunityTitle: "Too early", opportunityAmount: { amount: "10.00", currency: "EUR" } }) { lead { status } errors { code field message } } }`,
    { id: leadId },
  );
  await call(
    `mutation($id: ID!) { qualifyLead(input: { idempotencyKey: "journey-6", leadId: $id }) { lead { status availableActions } errors { code message } } }`,
    { id: leadId },
  );
  const converted = await call(
    `mutation($id: ID!) { convertLead(input: { idempotencyKey: "journey-7", leadId: $id, opportunityTitle: "Chairs", opportunityAmount: { amount: "1999.99", currency: "EUR" } }) { lead { status } customer { code name } opportunity { id stage amount { amount currency } availableActions } errors { code message } } }`,
    { id: leadId },
  );
  const opportunityId = converted.data.convertLead.opportunity.id;
  await call(
    `mutation($id: ID!) { winOpportunity(input: { idempotencyKey: "journey-8", opportunityId: $id }) { opportunity { stage } errors { code message } } }`,
    { id: opportunityId },
  );
  await call(
    `mutation($id: ID!) { advanceOpportunity(input: { idempotencyKey: "journey-9", opportunityId: $id, probability: 55 }) { opportunity { stage probability } errors { code message } } }`,
    { id: opportunityId },
  );
  await call(
    `mutation($id: ID!) { logActivity(input: { idempotencyKey: "journey-10", kind: CALL, subject: "Intro call", opportunityId: $id, occurredAt: "2026-11-01T09:00:00.000Z" }) { activity { kind subject occurredAt opportunity { title } } errors { code message } } }`,
    { id: opportunityId },
  );
  await call(
    `mutation { registerCustomer(input: { idempotencyKey: "journey-1", name: "Other" }) { customer { id } errors { code field message } } }`,
  );
  await call(
    `mutation { registerCustomer(input: { idempotencyKey: "journey-11", name: "Bad", email: "nope" }) { customer { id } errors { code field message } } }`,
  );
  await call(
    `mutation { convertLead(input: { idempotencyKey: "journey-12", leadId: "x", opportunityTitle: "t", opportunityAmount: { amount: "1.001", currency: "EUR" } }) { lead { id } errors { code field message } } }`,
  );
  await call(
    `query { customers(first: 10) { nodes { code name contacts { name } opportunities { title stage activities { subject } } } pageInfo { hasNextPage } } }`,
  );
  await call(`query { customer(id: "not-an-id") { id } }`);
  await call(`query { customers(after: "bogus") { nodes { id } } }`);
  await call(`query { customers { nodes { noSuchField } } }`);
  await call(
    `mutation { convertLead(input: { idempotencyKey: "k", leadId: "x", opportunityTitle: "t", opportunityAmount: { amount: 1.5, currency: "EUR" } }) { errors { code } } }`,
  );
  return steps;
}

/** Ids, times and request ids differ between runs; everything else must not. */
function normalise(value: unknown): unknown {
  const ids = new Map<string, string>();
  return JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!ids.has(id)) ids.set(id, `<id${ids.size}>`);
        return ids.get(id)!;
      })
      .replace(/"requestId":"[^"]+"/g, '"requestId":"<request>"'),
  );
}

describe(`one process and split answer alike on ${testDatabaseKind()}`, () => {
  let single: RunningErp;
  let split: RunningErp;

  beforeAll(async () => {
    [single, split] = await Promise.all([startSingleProcess(), startSplit()]);
  }, SPLIT_START_MS);
  afterAll(async () => {
    await Promise.all([single?.stop(), split?.stop()]);
  });

  it("gives the same answers to the same CRM journey", async () => {
    const inOne = await journey(await clientOf(single));
    const inSplit = await journey(await clientOf(split));
    expect(normalise(inSplit)).toEqual(normalise(inOne));
    // The journey itself did what it should.
    const [registered, , stale] = inOne as any[];
    expect(registered.data.registerCustomer.customer.code).toBe("C-000001");
    expect(stale.data.updateCustomerDetails.errors[0].code).toBe("VERSION_CONFLICT");
    const listing = (inOne as any[]).find((step) => step.data?.customers);
    expect(listing.data.customers.nodes).toEqual([
      { code: "C-000001", name: "Journey GmbH", contacts: [{ name: "Jo Buyer" }], opportunities: [] },
      {
        code: "C-000002",
        name: "Lee Ltd",
        contacts: [],
        opportunities: [{ title: "Chairs", stage: "PROPOSAL", activities: [{ subject: "Intro call" }] }],
      },
    ]);
  });

  it.runIf(testDatabaseKind() === "postgres")("runs the order-to-cash saga the same way in both modes", async () => {
    const outcomes = [];
    for (const erp of [single, split]) {
      const client = await clientOf(erp);
      const run = async (query: string, variables?: Record<string, unknown>) =>
        (await client.request(query, variables)).data;
      const customerId = (
        await run(
          `mutation { registerCustomer(input: { idempotencyKey: "saga-c", name: "Saga AG" }) { customer { id } } }`,
        )
      ).registerCustomer.customer.id;
      const warehouseId = (
        await run(
          `mutation { openWarehouse(input: { idempotencyKey: "saga-w", code: "SAGA", name: "Saga" }) { warehouse { id } } }`,
        )
      ).openWarehouse.warehouse.id;
      const productId = (
        await run(
          `mutation { registerProduct(input: { idempotencyKey: "saga-p", sku: "SAGA-1", name: "Saga chair", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "5.00", currency: "EUR" }, listPrice: { amount: "12.50", currency: "EUR" } }) { product { id } } }`,
        )
      ).registerProduct.product.id;
      await run(
        `mutation($p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: "saga-r", productId: $p, warehouseId: $w, quantity: "5", unitCost: { amount: "5.00", currency: "EUR" } }) { errors { code } } }`,
        { p: productId, w: warehouseId },
      );
      await erp.settle();
      const place = (key: string, quantity: string) =>
        run(
          `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } errors { code } } }`,
          {
            i: { idempotencyKey: key, customerId, warehouseId, currency: "EUR", lines: [{ productId, quantity }] },
          },
        );
      const fits = (await place("saga-o1", "3")).placeSalesOrder.salesOrder.id;
      const tooBig = (await place("saga-o2", "3")).placeSalesOrder.salesOrder.id;
      for (const [key, id] of [
        ["saga-k1", fits],
        ["saga-k2", tooBig],
      ]) {
        await run(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
          i: { idempotencyKey: key, salesOrderId: id },
        });
        await erp.settle();
      }
      const line = (await run(`query($id: ID!) { salesOrder(id: $id) { lines { id } } }`, { id: fits })).salesOrder
        .lines[0].id;
      await run(`mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { errors { code } } }`, {
        i: { idempotencyKey: "saga-s", salesOrderId: fits, lines: [{ orderLineId: line, quantity: "2" }] },
      });
      await erp.settle();
      outcomes.push(
        await client.request(
          `query($a: ID!, $b: ID!, $p: ID) { a: salesOrder(id: $a) { number status total { amount } lines { shippedQuantity product { sku totalAvailable reservedForOrders } } } b: salesOrder(id: $b) { status statusReason statusReasonCode } stockLevels(productId: $p) { onHand reserved available } }`,
          { a: fits, b: tooBig, p: productId },
        ),
      );
    }
    expect(normalise(outcomes[1])).toEqual(normalise(outcomes[0]));
    expect((outcomes[0] as any).data).toMatchObject({
      a: {
        status: "PARTIALLY_SHIPPED",
        lines: [{ shippedQuantity: "2", product: { totalAvailable: "2", reservedForOrders: "1" } }],
      },
      b: {
        status: "REJECTED",
        statusReason: "Only 2 of SAGA-1 available, 3 requested",
        statusReasonCode: "INSUFFICIENT_STOCK",
      },
      stockLevels: [{ onHand: "3", reserved: "1", available: "2" }],
    });
  });

  it("masks an unexpected failure identically: same code, same message, no SQL", async () => {
    const query = `query { customers(first: 5) { nodes { code contacts { name } } } }`;
    const results = [];
    for (const erp of [single, split]) {
      await erp.withSubgraphDatabase("crm", async (db) => {
        await sql`alter table crm.contacts rename to contacts_moved`.execute(db);
      });
      results.push(await (await clientOf(erp)).request(query));
    }
    const [inOne, inSplit] = results;
    expect(normalise(inSplit)).toEqual(normalise(inOne));
    expect(inOne!.errors?.[0]).toMatchObject({
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(results)).not.toMatch(/relation|does not exist|select |\.ts:|stack/i);
  });

  it("split-mode subgraphs refuse requests that do not come from the gateway", async () => {
    const subgraphUrl = split.subgraphUrl!("crm");
    const response = await fetch(subgraphUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ customers { nodes { id } } }" }),
    });
    expect(response.status).toBe(401);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(body.data ?? null).toBeNull();
  });
});
