#!/usr/bin/env node
// Makes `npm start` and `npm test` work on a fresh clone: installs the workspace with the
// pinned pnpm (from the npm registry) when node_modules is missing or older than the lockfile.
import { execSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const marker = `${root}node_modules/.modules.yaml`;
const lockfile = `${root}pnpm-lock.yaml`;
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lockfile).mtimeMs;

if (stale) {
  const { packageManager } = JSON.parse(readFileSync(`${root}package.json`, "utf8"));
  console.log(`Installing dependencies with ${packageManager}…`);
  execSync(`npx --yes ${packageManager} install --frozen-lockfile`, { cwd: root, stdio: "inherit" });
}
