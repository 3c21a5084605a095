import { composeServices } from "@apollo/composition";
import { type SubgraphModule, subgraphTypeDefs } from "@erp/core";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema, type GraphQLSchema, isEnumType, isInputObjectType, isObjectType, printSchema } from "graphql";

/**
 * The public API schema: what clients of the supergraph see, without federation's internals
 * (join__/link__ types, @join__* directives). Committed as schema.graphql at the repository root,
 * so a schema change shows in review, and compared with the previous one so a client cannot be
 * broken by accident (README, "Schema changes and deprecation").
 */
export function publicApiSchema(modules: SubgraphModule[]): string {
  const result = composeServices(
    modules.map((m) => ({ name: m.name, typeDefs: subgraphTypeDefs(m), url: `http://${m.name}` })),
  );
  if (result.errors)
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  return `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema())}\n`;
}

export interface SchemaChange {
  message: string;
  path: string | undefined;
}

/**
 * Changes from `before` to `after` that break clients and were not announced: @graphql-inspector/core
 * classifies every change; a breaking one passes only when it removes what `before` already marked
 * @deprecated (a field, argument, input field or enum value; a type whose fields all were).
 */
export async function unannouncedBreakingChanges(before: string, after: string): Promise<SchemaChange[]> {
  const old = buildSchema(before);
  const changes = await diff(old, buildSchema(after));
  return changes
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .filter((change) => !wasDeprecated(old, change.type, change.path))
    .map((change) => ({ message: change.message, path: change.path }));
}

const REMOVALS = new Set([
  "FIELD_REMOVED",
  "FIELD_ARGUMENT_REMOVED",
  "INPUT_FIELD_REMOVED",
  "ENUM_VALUE_REMOVED",
  "TYPE_REMOVED",
]);

function wasDeprecated(schema: GraphQLSchema, kind: string, path: string | undefined): boolean {
  if (!path || !REMOVALS.has(kind)) return false;
  const [typeName, member, argument] = path.split(".");
  const type = schema.getType(typeName!);
  if (!type) return false;
  if (kind === "TYPE_REMOVED")
    return (
      (isObjectType(type) || isInputObjectType(type)) &&
      Object.values(type.getFields()).every((f) => f.deprecationReason)
    );
  if (isEnumType(type)) return Boolean(type.getValue(member!)?.deprecationReason);
  if (!isObjectType(type) && !isInputObjectType(type)) return false;
  const field = type.getFields()[member!];
  if (!field) return false;
  if (argument === undefined) return Boolean(field.deprecationReason);
  return Boolean("args" in field && field.args.find((a) => a.name === argument)?.deprecationReason);
}
