import { composeServices } from "@apollo/composition";
import { type SubgraphModule, subgraphTypeDefs } from "@erp/core";

/** Composes the Federation 2 supergraph from the services' SDL; fails loudly on any composition error. */
export function composeSupergraph(modules: SubgraphModule[], urlOf: (name: string) => string): string {
  const result = composeServices(
    modules.map((m) => ({ name: m.name, typeDefs: subgraphTypeDefs(m), url: urlOf(m.name) })),
  );
  if (result.errors) {
    throw new Error(`Supergraph composition failed:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  }
  return result.supergraphSdl;
}

const SECURITY_LINK =
  /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g;

/**
 * @apollo/gateway refuses a supergraph whose links are `for: SECURITY` (only Apollo Router
 * enforces @authenticated and @requiresScopes). Our kernel checks the scopes, so the gateway
 * gets the same supergraph with those links as plain metadata; supergraph.graphql keeps them.
 */
export function forApolloGateway(supergraphSdl: string): string {
  return supergraphSdl.replace(SECURITY_LINK, "$1)");
}
