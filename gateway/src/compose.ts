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
  return declaredOnly(result.supergraphSdl);
}

/**
 * Access is enforced inside every subgraph (the kernel reads each field's @requiresScopes),
 * so the supergraph keeps the declarations as documentation only. Marked `for: SECURITY`,
 * a gateway that does not enforce them itself (Apollo's Node gateway, a Router without
 * its authorization plugin) would refuse to load the supergraph at all.
 */
function declaredOnly(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g,
    "$1)",
  );
}
