#!/usr/bin/env node
// `npm run build`: compiles every workspace package's src/ to dist/ (ES modules for Node.js 20+,
// one .js file per .ts file, with source maps) and copies the files read at run time (*.graphql).
// Type checking is `pnpm typecheck`'s job; this only transpiles, so a build takes seconds.
// Production runs the output with plain node: `node --conditions=erp-compiled gateway/dist/cli.js start`
// (the "erp-compiled" export condition points each package at its dist/index.js).
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const packages = ["packages", "services"]
  .flatMap((group) => readdirSync(`${root}${group}`).map((name) => `${group}/${name}`))
  .concat("gateway")
  .filter((dir) => existsSync(`${root}${dir}/src`));

const files = (dir, keep) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => `${entry.parentPath ?? entry.path}/${entry.name}`);

const started = performance.now();
for (const dir of packages) {
  const src = `${root}${dir}/src`;
  const dist = `${root}${dir}/dist`;
  rmSync(dist, { recursive: true, force: true });
  await build({
    entryPoints: files(src, (name) => name.endsWith(".ts") && !name.endsWith(".d.ts")),
    outdir: dist,
    outbase: src,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
  });
  for (const asset of files(src, (name) => name.endsWith(".graphql"))) cpSync(asset, asset.replace(src, dist));
}
console.log(`compiled ${packages.length} packages to dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
