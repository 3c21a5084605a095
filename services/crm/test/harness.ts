import { crmFactory, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { beforeAll } from "vitest";
import { crm } from "../src/index.js";

/** The shared subgraph harness on the CRM module, plus CRM's factories. */
export function useCrm() {
  const env = useSubgraph(crm) as SubgraphEnv & { make: ReturnType<typeof crmFactory> };
  beforeAll(() => {
    env.make = crmFactory(env.client);
  });
  return env;
}

/** Row counts of every crm table, to prove a refusal wrote nothing. */
export const snapshot = (env: SubgraphEnv) => env.snapshot();
