import { composeServices } from "@apollo/composition";
import { subgraphTypeDefs } from "@erp/core";
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType } from "graphql";
import { describe, expect, it } from "vitest";
import { subgraphModules } from "../src/subgraphs.js";

const BUILT_IN = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/** Every type, field, argument, input field and enum value of the public API without a description. */
function undocumented(): string[] {
  const result = composeServices(
    subgraphModules().map((m) => ({ name: m.name, typeDefs: subgraphTypeDefs(m), url: "http://unused" })),
  );
  expect(result.errors).toBeUndefined();
  const schema = result.schema!.toAPISchema().toGraphQLJSSchema();
  const missing: string[] = [];
  const need = (where: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(where);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || BUILT_IN.has(type.name)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    if (isEnumType(type)) for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    if (!(isScalarType(type) || isUnionType(type) || isObjectType(type) || isInterfaceType(type))) continue;
  }
  return missing;
}

describe("the composed supergraph documents itself (Sandbox is the documentation)", () => {
  it("has a description on every type, field, argument, input field and enum value", () => {
    expect(undocumented()).toEqual([]);
  });
});

describe("every operation is served", () => {
  it("has a resolver for every Query and Mutation field of every subgraph", () => {
    const missing: string[] = [];
    for (const module of subgraphModules()) {
      const resolvers = module.resolvers as Record<string, Record<string, unknown> | undefined>;
      for (const definition of module.typeDefs.definitions) {
        if (definition.kind !== "ObjectTypeDefinition" || !["Query", "Mutation"].includes(definition.name.value))
          continue;
        for (const field of definition.fields ?? [])
          if (typeof resolvers[definition.name.value]?.[field.name.value] !== "function")
            missing.push(`${module.name}: ${definition.name.value}.${field.name.value}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
