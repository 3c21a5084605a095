import type { GraphQLResolveInfo } from "graphql";
import type { Kysely } from "kysely";
import { type ActionPayload, type ActionRequest, type ActionScope, runBusinessAction } from "./action.js";
import type { SubgraphContext } from "./context.js";
import type { BusinessError } from "./errors.js";

/** A mutation's input: every one carries the key that names the action for retries. */
export type ActionInput = ActionRequest["input"];

type DatabaseOf<Ctx> = Ctx extends { db: Kysely<infer DB> } ? DB : never;

/** The context the runner needs: the request, the domain's database and its name. */
export type ActionContext<DB> = Pick<SubgraphContext<DB, unknown>, "db" | "principal" | "requestId" | "log"> & {
  domain: string;
};

/** A mutation resolver as GraphQL calls it; the operation is the field it resolves. */
export type ActionResolver<Ctx, Input extends ActionInput, P> = (
  parent: unknown,
  args: { input: Input },
  ctx: Ctx,
  info: Pick<GraphQLResolveInfo, "fieldName">,
) => Promise<ActionPayload<P>>;

/** The work of one mutation: its writes inside the action's transaction, and the payload's fields. */
export type ActionWork<Ctx, Input extends ActionInput, P> = (
  scope: ActionScope<DatabaseOf<Ctx>>,
  input: Input,
  ctx: Ctx,
) => Promise<P>;

/**
 * A domain's mutation resolvers, each a business action run by the kernel's runner and named
 * by the GraphQL field it resolves (`info.fieldName`), so no resolver spells its own name and
 * none can reach the database outside one idempotent, audited transaction:
 *
 *   const act = actionResolvers<CrmContext>({ uniqueViolations: crmUniqueViolations });
 *   Mutation: { blockCustomer: act(async (s, input) => ({ customer: await blockCustomer(s, input) })) }
 */
export function actionResolvers<Ctx extends ActionContext<DatabaseOf<Ctx>>>(
  options: { uniqueViolations?: Record<string, BusinessError> } = {},
) {
  return <Input extends ActionInput, P extends object>(
    work: ActionWork<Ctx, Input, P>,
  ): ActionResolver<Ctx, Input, P> =>
    (_parent, { input }, ctx, info) =>
      runBusinessAction(
        ctx,
        { operation: info.fieldName, input, uniqueViolations: options.uniqueViolations },
        (scope) => work(scope, input, ctx),
      );
}
