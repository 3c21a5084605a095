import {
  type ConstDirectiveNode,
  defaultFieldResolver,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  isObjectType,
  Kind,
} from "graphql";
import { hasScope, type Principal } from "../context.js";

/**
 * What an operation declares it needs, read from its SDL: Federation's
 * `@requiresScopes(scopes: [["a", "b"], ["c"]])` (a and b, or c) or `@authenticated`.
 */
export interface AccessRule {
  authenticated: boolean;
  /** Alternatives; each is a set of scopes that must all be held. */
  scopes: string[][];
}

/** The access rule a field declares, or undefined when it declares none. */
export function accessRuleOf(field: Pick<GraphQLField<unknown, unknown>, "astNode">): AccessRule | undefined {
  const directives = field.astNode?.directives ?? [];
  const requires = directives.find((d) => d.name.value === "requiresScopes");
  if (requires) return { authenticated: true, scopes: scopesArgument(requires) };
  if (directives.some((d) => d.name.value === "authenticated")) return { authenticated: true, scopes: [] };
  return undefined;
}

function scopesArgument(directive: ConstDirectiveNode): string[][] {
  const value = directive.arguments?.find((a) => a.name.value === "scopes")?.value;
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [],
  );
}

/** Null when the principal satisfies the rule, else the error to refuse with. */
export function accessDenied(principal: Principal, rule: AccessRule, what: string): GraphQLError | null {
  if (principal.kind === "anonymous")
    return new GraphQLError(`${what} needs you to sign in: send a bearer token or an API key`, {
      extensions: { code: "UNAUTHENTICATED" },
    });
  if (!rule.scopes.length || rule.scopes.some((all) => all.every((s) => hasScope(principal, s)))) return null;
  const needed = rule.scopes.map((all) => all.join(" and ")).join(" or ");
  return new GraphQLError(`${what} needs the scope ${needed}`, {
    extensions: { code: "FORBIDDEN", requiredScopes: rule.scopes },
  });
}

type WithPrincipal = { principal: Principal };

/**
 * Enforces every root field's declared access inside the subgraph, before its resolver
 * runs, so it holds in one process, split, and behind any gateway. A root field that
 * declares nothing fails the build: no operation ships unowned. Entity fields reached
 * through federation need the domain's read scope (`_entities`).
 */
export function enforceDeclaredAccess(schema: GraphQLSchema, domainReadScope: string): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      if (field.name === "_service") continue;
      const rule =
        field.name === "_entities" ? { authenticated: true, scopes: [[domainReadScope]] } : accessRuleOf(field);
      if (!rule) throw new Error(`${type!.name}.${field.name} declares no @requiresScopes or @authenticated`);
      const label = field.name === "_entities" ? `Reading ${domainReadScope.split(":")[0]} fields` : field.name;
      guard(field, rule, label);
    }
  }
  guardDeclaredEntityFields(schema);
  return schema;
}

/**
 * A field of an entity type that declares its own rule (`SalesOrder.amountPaid`) is checked
 * too: a declaration in SDL is never documentation only, whichever path reaches the field.
 */
function guardDeclaredEntityFields(schema: GraphQLSchema): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || roots.has(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = accessRuleOf(field);
      if (rule) guard(field, rule, `${type.name}.${field.name}`);
    }
  }
}

function guard(field: GraphQLField<unknown, unknown>, rule: AccessRule, what: string): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, context, info) => {
    const denied = accessDenied((context as WithPrincipal).principal, rule, what);
    if (denied) throw denied;
    return resolve(source, args, context, info);
  };
}
