import { fileURLToPath } from "node:url";
import { type EdgeConfig, loadEdgeConfig } from "./edge/config.js";
import { SUBGRAPHS } from "./subgraphs.js";

export type GatewayMode = "single" | "split";

export interface GatewayConfig {
  port: number;
  host: string | undefined;
  /** single: every subgraph in this process; split: each in its own process, reached over HTTP. */
  mode: GatewayMode;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Split mode: where each subgraph listens. */
  subgraphUrls: Record<string, string>;
  /** Shared with split-mode subgraphs so they accept requests from the gateway only. */
  gatewaySecret: string | undefined;
  production: boolean;
  introspection: boolean;
  /** Fill an empty database with demo data on first start. */
  seed: boolean;
  /** Limits on every request: shape, cost, rate, size, time, concurrency (edge/config.ts). */
  edge: EdgeConfig;
}

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const production = env.NODE_ENV === "production";
  const mode = env.ERP_MODE === "split" ? "split" : "single";
  if (env.ERP_MODE && !["single", "split"].includes(env.ERP_MODE))
    throw new Error(`ERP_MODE must be "single" or "split", not "${env.ERP_MODE}"`);
  return {
    port: Number(env.PORT ?? 4000),
    host: env.HOST,
    mode,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? `${REPO_ROOT}.data`,
    subgraphUrls: Object.fromEntries(
      SUBGRAPHS.map(({ module, port }) => [
        module.name,
        env[`${module.name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://localhost:${port}/graphql`,
      ]),
    ),
    gatewaySecret: env.GATEWAY_SECRET || undefined,
    production,
    introspection: env.INTROSPECTION ? env.INTROSPECTION === "true" : !production,
    seed: env.SEED !== "false",
    edge: loadEdgeConfig(env, production),
  };
}
