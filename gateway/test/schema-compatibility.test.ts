import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { publicApiSchema, unannouncedBreakingChanges } from "../src/api-schema.js";
import { subgraphModules } from "../src/subgraphs.js";
import { ROOT } from "./processes.js";

const before = `
  type Query {
    customer(id: ID!): Customer
    oldCustomers: [Customer!]! @deprecated(reason: "Use customers.")
    customers(first: Int = 20): [Customer!]!
  }
  type Customer { id: ID! name: String! status: Status! }
  enum Status { ACTIVE BLOCKED LEGACY @deprecated(reason: "Use BLOCKED.") }
`;

describe("schema changes that cannot break clients by accident (@graphql-inspector/core)", () => {
  it("refuses a removed field that was not deprecated first, naming it", async () => {
    const after = before.replace("customer(id: ID!): Customer\n", "");
    expect(await unannouncedBreakingChanges(before, after)).toEqual([
      expect.objectContaining({ path: "Query.customer", message: expect.stringContaining("customer") }),
    ]);
  });

  it("refuses a changed field type and a removed enum value that was not deprecated", async () => {
    const after = before.replace("name: String!", "name: Int!").replace("ACTIVE BLOCKED", "ACTIVE");
    const paths = (await unannouncedBreakingChanges(before, after)).map((c) => c.path);
    expect(paths.sort()).toEqual(["Customer.name", "Status.BLOCKED"]);
  });

  it("lets additions pass, and removals of what was deprecated first", async () => {
    const after = before
      .replace("type Customer { id: ID!", "type Customer { id: ID! email: String")
      .replace('oldCustomers: [Customer!]! @deprecated(reason: "Use customers.")', "")
      .replace('LEGACY @deprecated(reason: "Use BLOCKED.")', "");
    expect(await unannouncedBreakingChanges(before, after)).toEqual([]);
  });

  it("checks the real API schema: the committed schema.graphql is the composed one, and removing a field of it fails", async () => {
    const committed = readFileSync(`${ROOT}schema.graphql`, "utf8");
    expect(publicApiSchema(subgraphModules())).toBe(committed);
    expect(committed).not.toMatch(/join__|link__|@link/);
    const withoutField = committed.replace(
      /\n {2}"""A customer by id; null when there is none\."""\n {2}customer\([^)]*\): Customer\n/,
      "\n",
    );
    expect(withoutField).not.toBe(committed);
    expect((await unannouncedBreakingChanges(committed, withoutField)).map((c) => c.path)).toEqual(["Query.customer"]);
  });
});
