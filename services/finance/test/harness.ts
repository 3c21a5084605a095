import { type SubgraphEnv, useSubgraph } from "@erp/testing";
import { finance } from "../src/index.js";

/** The shared subgraph harness on the finance module, with a business clock the test moves. */
export const useFinance = () => useSubgraph(finance);

/** Row counts of every finance table, to prove a refusal wrote nothing. */
export const snapshot = (env: SubgraphEnv) => env.snapshot();
