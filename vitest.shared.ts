import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * Shared test settings. graphql 16 ships both graphql.mjs and index.js; Node loads index.js
 * for every package, but Vite would hand our own sources the .mjs copy, and a schema from
 * one copy is rejected by the other ("another module or realm"). Pin the one Node uses.
 */
export function erpTestConfig(timeoutMs = 60_000) {
  return defineConfig({
    resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql", { paths: [process.cwd()] }) }] },
    // Hooks migrate a fresh database per file: on a loaded 2-core machine that alone has taken over a minute.
    test: { testTimeout: timeoutMs, hookTimeout: Math.max(timeoutMs, 180_000), pool: "forks" },
  });
}
