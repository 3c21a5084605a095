import { testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useCrm } from "./harness.js";

const env = useCrm();
/** Registered in this order: names tie in pairs, so the tie-breaker (registration) shows. */
const NAMES = ["Ordo Beta", "Ordo Alpha", "Ordo Beta", "Ordo Gamma", "Ordo Alpha", "Ordo Delta"];
const ids: string[] = [];

beforeAll(async () => {
  for (const [i, name] of NAMES.entries())
    ids.push((await env.make.customer({ name, email: `buyer${i}@ordo.example` })).id);
  await env.client.request(`mutation($i: BlockCustomerInput!) { blockCustomer(input: $i) { errors { code } } }`, {
    i: { idempotencyKey: `block-${ids[3]}`, customerId: ids[3], reason: "test" },
  });
});

const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: CustomerOrder, $filter: CustomerFilter) {
  customers(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id name } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const walk = (orderBy: unknown, backward = false, filter: unknown = { search: "ordo" }) =>
  walkConnection(env.client, LIST, "customers", { size: 2, backward, variables: { orderBy, filter } });

describe(`the customer list's orders and filters on ${testDatabaseKind()}`, () => {
  it("sorts by name both ways, ties by registration in the same direction, the same rows forward and backward", async () => {
    const byName = [ids[1], ids[4], ids[0], ids[2], ids[5], ids[3]];
    expect((await walk({ key: "NAME", direction: "ASC" })).flat()).toEqual(byName);
    expect((await walk({ key: "NAME", direction: "ASC" }, true)).flat()).toEqual(byName);
    const desc = [ids[3], ids[5], ids[2], ids[0], ids[4], ids[1]];
    expect((await walk({ key: "NAME", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walk({ key: "NAME", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 2),
      desc.slice(2, 4),
      desc.slice(4),
    ]);
  });

  it("filters by a set of statuses and a search on email, and counts the whole filtered list only when asked", async () => {
    const { data } = await env.client.request(LIST, {
      first: 1,
      filter: { search: "@ordo.example", statuses: ["ACTIVE"] },
      orderBy: { key: "CREATED", direction: "DESC" },
    });
    expect(data.customers.nodes.map((n: any) => n.id)).toEqual([ids[5]]);
    expect(data.customers.totalCount).toBe(5);
    const blocked = await env.client.request(LIST, { first: 10, filter: { search: "ordo", statuses: ["BLOCKED"] } });
    expect(blocked.data.customers.nodes.map((n: any) => n.id)).toEqual([ids[3]]);
  });

  it("refuses a cursor made for another order, and first together with last", async () => {
    const page = await env.client.request(LIST, { first: 2, orderBy: { key: "NAME" }, filter: { search: "ordo" } });
    const after = page.data.customers.pageInfo.endCursor;
    const other = await env.client.request(LIST, { first: 2, after, orderBy: { key: "CODE" } });
    expect(other.errors?.[0]).toMatchObject({
      message: expect.stringContaining("ordered by NAME ASC, not CODE ASC"),
      extensions: { code: "BAD_USER_INPUT" },
    });
    const both = await env.client.request(LIST, { first: 2, last: 2 });
    expect(both.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe(`the lead list's orders and filters on ${testDatabaseKind()}`, () => {
  /** Captured in this order: companies tie in pairs; the second and fifth are qualified. */
  const COMPANIES = ["Ordo Nord", "Ordo Ost", "Ordo Nord", "Ordo West", "Ordo Ost"];
  const leads: string[] = [];
  beforeAll(async () => {
    for (const [i, companyName] of COMPANIES.entries()) {
      const overrides = { name: `Prospect ${i}`, companyName, email: `lead${i}@prospect.example` };
      leads.push((await (i === 1 || i === 4 ? env.make.qualifiedLead(overrides) : env.make.lead(overrides))).id);
    }
  });
  const LEADS = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: LeadOrder, $filter: LeadFilter) {
    leads(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
      nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
    }
  }`;
  const walkLeads = (orderBy: unknown, backward = false, filter: unknown = { search: "ordo" }) =>
    walkConnection(env.client, LEADS, "leads", { size: 2, backward, variables: { orderBy, filter } });
  const lead = (...i: number[]) => i.map((n) => leads[n]!);

  it("sorts by company both ways, ties by capture in the same direction, the same rows forward and backward", async () => {
    const asc = lead(0, 2, 1, 4, 3);
    expect((await walkLeads({ key: "COMPANY", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walkLeads({ key: "COMPANY", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = lead(3, 4, 1, 2, 0);
    expect((await walkLeads({ key: "COMPANY", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walkLeads({ key: "COMPANY", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 1),
      desc.slice(1, 3),
      desc.slice(3),
    ]);
  });

  it("narrows by a status set and a search on company or email, and counts the whole filtered list", async () => {
    const qualified = await env.client.request(LEADS, {
      first: 1,
      filter: { search: "ordo ost", statuses: ["QUALIFIED", "CONVERTED"] },
      orderBy: { key: "CREATED", direction: "DESC" },
    });
    expect(qualified.data.leads).toMatchObject({ nodes: [{ id: leads[4] }], totalCount: 2 });
    const fresh = await env.client.request(LEADS, { first: 5, filter: { search: "ORDO", statuses: ["NEW"] } });
    expect(fresh.data.leads.totalCount).toBe(3);
    const byEmail = await env.client.request(LEADS, { first: 5, filter: { search: "lead3@prospect" } });
    expect(byEmail.data.leads).toMatchObject({ nodes: [{ id: leads[3] }], totalCount: 1 });
  });
});
