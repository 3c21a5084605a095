import { newKey, subgraphClient, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { crm } from "../src/index.js";
import { useCrm } from "./harness.js";

const env = useCrm();
const ids: string[] = [];

beforeAll(async () => {
  // 12 customers, each with 2 contacts, an opportunity and 3 activities on it.
  for (let i = 0; i < 12; i++) {
    const opp = await env.make.opportunity({ customerName: `Page Test ${String(i).padStart(2, "0")}` });
    ids.push(opp.customer.id);
    for (const name of ["A", "B"])
      await env.client.request(`mutation($i: AddContactInput!) { addContact(input: $i) { errors { code } } }`, {
        i: { idempotencyKey: newKey(), customerId: opp.customer.id, name },
      });
    for (const subject of ["one", "two", "three"])
      await env.client.request(`mutation($i: LogActivityInput!) { logActivity(input: $i) { errors { code } } }`, {
        i: { idempotencyKey: newKey(), kind: "NOTE", subject, customerId: opp.customer.id },
      });
  }
  await env.client.request(`mutation($i: BlockCustomerInput!) { blockCustomer(input: $i) { errors { code } } }`, {
    i: { idempotencyKey: newKey(), customerId: ids[3], reason: "test" },
  });
});

const PAGE = `query($first: Int, $after: String, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) {
    nodes { id name status contacts { name } opportunities { title customer { id } } activities(first: 2) { subject } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

describe(`customer queries on ${testDatabaseKind()}`, () => {
  it("pages through customers with opaque cursors, in order, without gaps or repeats", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { data }: { data?: any } = await env.client.request(PAGE, {
        first: 5,
        after,
        filter: { search: "Page Test" },
      });
      seen.push(...data.customers.nodes.map((n: any) => n.id));
      expect(data.customers.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!data.customers.pageInfo.hasNextPage) break;
      after = data.customers.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
  });

  it("filters by status and search, and nests contacts, opportunities and the newest activities", async () => {
    const { data } = await env.client.request(PAGE, {
      first: 50,
      filter: { status: "BLOCKED", search: "page test 03" },
    });
    expect(data.customers.nodes).toEqual([
      {
        id: ids[3],
        name: "Page Test 03",
        status: "BLOCKED",
        contacts: [{ name: "A" }, { name: "B" }],
        opportunities: [{ title: "Office chairs", customer: { id: ids[3] } }],
        activities: [{ subject: "three" }, { subject: "two" }],
      },
    ]);
  });

  it("refuses page sizes outside 1..100 and foreign cursors as input errors", async () => {
    for (const variables of [{ first: 0 }, { first: 101 }, { after: "bm90LWEtY3Vyc29y" }]) {
      const result = await env.client.request(PAGE, variables);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("finds a customer by id and by code, and answers null for unknown ones", async () => {
    const { data } = await env.client.request(`query($id: ID!) { customer(id: $id) { code } }`, { id: ids[0] });
    const byCode = await env.client.request(`query($c: String!) { customerByCode(code: $c) { id } }`, {
      c: data.customer.code,
    });
    expect(byCode.data.customerByCode.id).toBe(ids[0]);
    const unknown = await env.client.request(`{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(unknown.data.customer).toBeNull();
  });

  it("resolves Customer entity references for other subgraphs, unknown ones as null", async () => {
    const { data } = await env.client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`,
      {
        r: [
          { __typename: "Customer", id: ids[1] },
          { __typename: "Customer", id: "00000000-0000-4000-8000-000000000000" },
          { __typename: "Customer", id: ids[2] },
        ],
      },
    );
    expect(data._entities).toEqual([{ id: ids[1], name: "Page Test 01" }, null, { id: ids[2], name: "Page Test 02" }]);
  });

  it("costs the same number of SQL statements for a page of 2 as for a page of 12 (DataLoader, no N+1)", async () => {
    const statementsFor = async (first: number) => {
      let statements = 0;
      const counting: KyselyPlugin = {
        transformQuery: (args) => (statements++, args.node),
        transformResult: async (args) => args.result,
      };
      const client = subgraphClient(crm, env.database.db.withPlugin(counting));
      const { data } = await client.request(PAGE, { first, filter: { search: "Page Test" } });
      expect(data.customers.nodes).toHaveLength(first);
      const entities = await client.request(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { name } } }`,
        { r: ids.slice(0, first).map((id) => ({ __typename: "Customer", id })) },
      );
      expect(entities.data._entities).toHaveLength(first);
      return statements;
    };
    const [small, large] = [await statementsFor(2), await statementsFor(12)];
    expect(large).toBe(small);
    // customers page, contacts, opportunities, their customers, activities; then one for all references.
    expect(large).toBeLessThanOrEqual(6);
  });
});
