import { composeServices } from "@apollo/composition";
import { subgraphTypeDefs } from "@erp/core";
import { type GraphQLSchema, getNamedType, isInterfaceType, isListType, isNonNullType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { subgraphModules } from "../src/subgraphs.js";

function apiSchema(): GraphQLSchema {
  const result = composeServices(
    subgraphModules().map((m) => ({ name: m.name, typeDefs: subgraphTypeDefs(m), url: "http://unused" })),
  );
  expect(result.errors).toBeUndefined();
  return result.schema!.toAPISchema().toGraphQLJSSchema();
}

/** Every mutation whose payload's `errors` is not a non-null list of a type implementing UserError. */
function mutationsWithoutUserErrors(schema: GraphQLSchema): string[] {
  const userError = schema.getType("UserError");
  if (!isInterfaceType(userError)) return ["UserError is not an interface of the composed schema"];
  const wrong: string[] = [];
  for (const mutation of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const payload = getNamedType(mutation.type);
    const errors = isObjectType(payload) ? payload.getFields().errors : undefined;
    if (!errors) {
      wrong.push(`${mutation.name}: ${payload.name} has no errors field`);
      continue;
    }
    const list = isNonNullType(errors.type) ? errors.type.ofType : errors.type;
    const item = getNamedType(errors.type);
    if (!isListType(list) || !isObjectType(item) || !item.getInterfaces().includes(userError))
      wrong.push(`${mutation.name}: ${payload.name}.errors is not [UserError]`);
  }
  return wrong;
}

describe("one way to read errors", () => {
  const schema = apiSchema();

  it("types every mutation payload's errors with a type that implements UserError", () => {
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).length).toBeGreaterThan(50);
    expect(mutationsWithoutUserErrors(schema)).toEqual([]);
  });

  it("gives UserError a code, a path-list field and a message", () => {
    const userError = schema.getType("UserError");
    if (!isInterfaceType(userError)) throw new Error("UserError missing");
    const fields = userError.getFields();
    expect(Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, String(f.type)]))).toEqual({
      code: "String!",
      field: "[String!]",
      message: "String!",
    });
  });

  it("fails on a payload whose error type does not implement UserError", async () => {
    const { buildSchema } = await import("graphql");
    const broken = buildSchema(`
      interface UserError { code: String! field: [String!] message: String! }
      type Query { ok: Boolean }
      type Mutation { act: ActPayload! }
      type ActPayload { errors: [LooseError!]! }
      type LooseError { code: String! field: [String!] message: String! }
    `);
    expect(mutationsWithoutUserErrors(broken)).toEqual(["act: ActPayload.errors is not [UserError]"]);
  });
});
