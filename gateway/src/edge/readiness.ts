import { type Database, isReachable } from "@erp/core";
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

/** Ready when the database answers (one process) or every subgraph's /health answers (split). */
export function readiness(config: GatewayConfig, database?: Database, timeoutMs = 800): () => Promise<boolean> {
  if (config.mode !== "split") return async () => (database ? isReachable(database.db) : true);
  const urls = Object.values(config.subgraphUrls).map(healthUrl);
  return async () => (await Promise.all(urls.map((u) => answers(u, timeoutMs)))).every(Boolean);
}
