import { statusChecks, subgraphClient, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { statusColumns } from "../src/db.js";
import { hr } from "../src/index.js";
import { useHr } from "./harness.js";

const env = useHr();
let root: string;
const subjects: string[] = [];

const CHART = `query($id: ID!) { orgChart(departmentId: $id) {
  depth department { code parent { id } manager { name } }
  people { number name manager { name } department { code } }
} }`;

/** A tree of `width` departments under the root, each with three people, the first managing the others. */
async function grow(width: number) {
  for (let i = 0; i < width; i++) {
    const dept = await env.department(root);
    const head = await env.activeEmployee(dept);
    await env.ok("appointDepartmentManager", { departmentId: dept, employeeId: head }, "department { id }");
    for (let j = 0; j < 2; j++) await env.activeEmployee(dept, { managerId: head });
  }
}

async function statementsFor(query: string, variables: Record<string, unknown>) {
  let statements = 0;
  const counting: KyselyPlugin = {
    transformQuery: (args) => (statements++, args.node),
    transformResult: async (args) => args.result,
  };
  const client = subgraphClient(hr, env.database.db.withPlugin(counting));
  const result = await client.request(query, variables);
  expect(result.errors).toBeUndefined();
  return { statements, data: result.data };
}

beforeAll(async () => {
  root = await env.department();
  const ceo = await env.activeEmployee(root, { userSubject: "ceo@erp.local" });
  await env.ok("appointDepartmentManager", { departmentId: root, employeeId: ceo }, "department { id }");
  subjects.push("ceo@erp.local");
});

describe(`org chart and references on ${testDatabaseKind()}`, () => {
  it("reads a department's subtree with its people in the same few statements, whatever its size", async () => {
    await grow(2);
    const small = await statementsFor(CHART, { id: root });
    expect(small.data.orgChart).toHaveLength(3);
    await grow(6);
    const large = await statementsFor(CHART, { id: root });
    expect(large.data.orgChart).toHaveLength(9);
    expect(large.data.orgChart.flatMap((u: any) => u.people)).toHaveLength(1 + 8 * 3);
    expect(large.data.orgChart[0]).toMatchObject({ depth: 0, department: { parent: null } });
    expect(large.statements).toBe(small.statements);
    // subtree, people, then departments' parents and managers and the people's managers, batched.
    expect(large.statements).toBeLessThanOrEqual(4);
  });

  it("resolves Employee references by id and by userSubject through one statement per key", async () => {
    const { data } = await env.client.request(`{ employees(first: 3) { nodes { id userSubject } } }`);
    const [first, second] = data.employees.nodes;
    const representations = [
      { __typename: "Employee", id: first.id },
      { __typename: "Employee", userSubject: "ceo@erp.local" },
      { __typename: "Employee", id: second.id },
      { __typename: "Employee", userSubject: "nobody@erp.local" },
    ];
    const result = await statementsFor(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Employee { id userSubject } } }`,
      { r: representations },
    );
    expect(result.data._entities).toEqual([
      { id: first.id, userSubject: first.userSubject },
      { id: expect.any(String), userSubject: "ceo@erp.local" },
      { id: second.id, userSubject: second.userSubject },
      null,
    ]);
    expect(result.statements).toBe(2);
  });

  it("lists employees as a filtered connection", async () => {
    const { data } = await env.client.request(
      `query($d: ID!) { employees(first: 2, filter: { departmentId: $d, status: ACTIVE }) { nodes { name } pageInfo { hasNextPage endCursor } } }`,
      { d: root },
    );
    expect(data.employees.nodes).toHaveLength(1);
    expect(data.employees.pageInfo.hasNextPage).toBe(false);
  });

  it("keeps each status column's CHECK constraint equal to the statuses the schema declares", async () => {
    const declared = Object.fromEntries(Object.entries(statusColumns).map(([c, v]) => [c, [...v].sort()]));
    expect(await statusChecks(env.database.db, "hr")).toEqual(declared);
  });
});
