#!/usr/bin/env node
// Runs the ERP's command line (gateway/src/cli.ts) the way this machine should:
// - NODE_ENV=production: the compiled output (`npm run build`) with plain node;
// - otherwise the TypeScript sources through tsx (the development tool).
// `npm start` = `erp start`; `npm run erp -- <command>` passes its arguments here.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const compiled = process.env.NODE_ENV === "production";
const cli = compiled ? `${root}gateway/dist/cli.js` : `${root}gateway/src/cli.ts`;
if (compiled && !existsSync(cli)) {
  console.error("erp: gateway/dist/cli.js is missing: run `npm run build` first (NODE_ENV=production runs the build)");
  process.exit(1);
}
// "erp-compiled" points every workspace package at its dist/index.js (see their package.json exports).
const flags = compiled ? ["--conditions=erp-compiled", "--enable-source-maps"] : ["--import", "tsx"];
const child = spawn(process.execPath, [...flags, cli, ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1)));
