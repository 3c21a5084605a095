import { readFileSync } from "node:fs";
import {
  accessRuleOf,
  buildSubgraph,
  createSubgraphContext,
  type Database,
  type Principal,
  type SubgraphModule,
  sql,
} from "@erp/core";
import { createMigratedDatabase, testDatabaseKind } from "@erp/testing";
import {
  buildASTSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  graphql,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/config.js";
import { subgraphModules } from "../src/subgraphs.js";

// Generated over every subgraph: each root operation declares its access in SDL and the
// subgraph itself refuses callers without it, before any resolver runs.

const SCALARS: Record<string, unknown> = {
  ID: "00000000-0000-4000-8000-000000000000",
  String: "x",
  Int: 1,
  Float: 1,
  Boolean: true,
  Decimal: "1.00",
  CurrencyCode: "EUR",
  Date: "2026-01-15",
  DateTime: "2026-01-15T10:00:00.000Z",
};

/** The smallest value GraphQL accepts for an input type: the scope check comes before any business check. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type))
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, sample(f.type)]),
    );
  return SCALARS[type.name] ?? "x";
}

function operationFor(kind: "query" | "mutation", field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  const declare = required.map((a) => `$${a.name}: ${a.type}`).join(", ");
  const pass = required.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isCompositeType(getNamedType(field.type)) ? "{ __typename }" : "";
  return {
    source: `${kind}${declare ? `(${declare})` : ""} { ${field.name}${pass ? `(${pass})` : ""} ${selection} }`,
    variables: Object.fromEntries(required.map((a) => [a.name, sample(a.type)])),
  };
}

interface Operation {
  module: SubgraphModule;
  kind: "query" | "mutation";
  field: GraphQLField<unknown, unknown>;
  scopes: string[][];
}

function rootOperations(): Operation[] {
  return subgraphModules().flatMap((module) => {
    const schema = buildSubgraph(module);
    const roots: ["query" | "mutation", GraphQLObjectType | null | undefined][] = [
      ["query", schema.getQueryType()],
      ["mutation", schema.getMutationType()],
    ];
    return roots.flatMap(([kind, type]) =>
      Object.values(type?.getFields() ?? {})
        .filter((f) => !f.name.startsWith("_"))
        .map((field) => ({ module, kind, field, scopes: accessRuleOf(field)?.scopes ?? [] })),
    );
  });
}

const operations = rootOperations();
const allScopes = [...new Set(operations.flatMap((o) => o.scopes.flat()))];

let database: Database;
beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
});
afterAll(() => database?.close());

const schemas = new Map(subgraphModules().map((m) => [m.name, buildSubgraph(m)]));

async function run(op: Operation, principal: Principal) {
  const { source, variables } = operationFor(op.kind, op.field);
  const contextValue = createSubgraphContext(op.module, database.db, { principal, requestId: "access-test" });
  return graphql({ schema: schemas.get(op.module.name)!, source, variableValues: variables, contextValue });
}

async function writesSoFar(): Promise<number> {
  const counts = subgraphModules().map(
    (m) => sql<{ n: number }>`select count(*)::int as n from ${sql.table(`${m.name}.idempotency_keys`)}`,
  );
  let total = 0;
  for (const query of counts) total += (await query.execute(database.db)).rows[0]!.n;
  return total;
}

describe(`declared access of every operation on ${testDatabaseKind()}`, () => {
  it("covers every Query and Mutation field of the committed supergraph", () => {
    const supergraph = buildASTSchema(parse(readFileSync(`${REPO_ROOT}supergraph.graphql`, "utf8")), {
      assumeValidSDL: true,
    });
    const composed = ["Query", "Mutation"].flatMap((t) =>
      Object.values((supergraph.getType(t) as GraphQLObjectType).getFields()).map((f) => ({ t, f })),
    );
    const undeclared = composed.filter(({ f }) => !accessRuleOf(f)).map(({ t, f }) => `${t}.${f.name}`);
    expect(undeclared).toEqual([]);
    expect(composed.length).toBe(operations.length);
  });

  it.each(operations.map((o) => [`${o.kind} ${o.field.name}`, o] as const))(
    "%s: no principal → UNAUTHENTICATED; without its scope → FORBIDDEN; nothing written",
    async (_, op) => {
      const before = await writesSoFar();
      const anonymous = await run(op, { subject: "anonymous", kind: "anonymous", roles: [], scopes: [] });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      const needed = new Set(op.scopes.flat());
      if (needed.size) {
        const others = allScopes.filter((s) => !needed.has(s));
        const lacking = await run(op, { subject: "someone", kind: "person", roles: [], scopes: others });
        expect(lacking.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      }
      expect(await writesSoFar()).toBe(before);
    },
  );
});
