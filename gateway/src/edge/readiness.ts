import { type Database, isReachable, type Readiness } from "@erp/core";
import type { GatewayConfig } from "../config.js";

/** A subgraph's /health, next to its GraphQL endpoint (http://host:4001/graphql → http://host:4001/health). */
export function healthUrl(subgraphUrl: string): string {
  return new URL("/health", subgraphUrl).toString();
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Ready when the database answers (one process) or every subgraph's /health answers (split);
 * split mode names the subgraphs that do not answer.
 */
export function readiness(
  config: GatewayConfig,
  database?: Database,
  timeoutMs = 800,
): () => Promise<boolean | Readiness> {
  if (config.mode !== "split") return async () => (database ? isReachable(database.db) : true);
  const subgraphs = Object.entries(config.subgraphUrls).map(([name, url]) => ({ name, health: healthUrl(url) }));
  return async () => {
    const answered = await Promise.all(subgraphs.map((s) => answers(s.health, timeoutMs)));
    const unavailable = subgraphs.filter((_, i) => !answered[i]).map((s) => s.name);
    return unavailable.length ? { ready: false, unavailable } : { ready: true };
  };
}
