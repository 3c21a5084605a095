#!/usr/bin/env node
// Keeps the domains apart: no service imports another service's code, no service's SQL names
// another domain's schema, the kernel imports no service, and no package's files import each
// other in a cycle. Exits 1 listing each violation.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const domains = readdirSync(join(root, "services")).filter((d) => statSync(join(root, "services", d)).isDirectory());
const violations = [];

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|js|mjs|graphql|sql)$/.test(entry.name)) yield path;
  }
}

function check(file, owner) {
  const text = readFileSync(file, "utf8");
  const where = relative(root, file);
  for (const match of text.matchAll(/from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    const spec = match[1] ?? match[2];
    const pkg = spec.match(/^@erp\/([a-z-]+)/)?.[1];
    const inTests = /\/test\//.test(file);
    // @erp/contracts holds the events' shapes every domain shares; it imports nothing of ours.
    const allowed = /\/packages\/contracts\//.test(file)
      ? []
      : owner
        ? ["core", "contracts", "testing", owner]
        : ["core", "contracts", ...(inTests ? ["testing"] : [])];
    if (pkg && !allowed.includes(pkg)) violations.push(`${where}: imports ${spec}`);
    const target = join(file, "..", spec);
    if (
      spec.startsWith(".") &&
      owner &&
      !target.startsWith(join(root, "services", owner)) &&
      !target.endsWith("vitest.shared.js")
    )
      violations.push(`${where}: imports ${spec} from outside services/${owner}`);
  }
  for (const other of domains.filter((d) => d !== owner)) {
    // A table reference is schema.table; event names (crm.customer.blocked) have a second dot.
    const schemaUse = new RegExp(`["'\`\\s(]${other}\\.[a-z_]+(?![a-z_.])|withSchema\\(\\s*["']${other}["']`);
    if (schemaUse.test(text)) violations.push(`${where}: names the ${other} schema`);
  }
}

for (const domain of domains) for (const file of sourceFiles(join(root, "services", domain))) check(file, domain);
for (const file of sourceFiles(join(root, "packages/core"))) check(file, undefined);
for (const file of sourceFiles(join(root, "packages/contracts"))) check(file, undefined);

// A cycle inside a package (type-only imports included) means its modules cannot be read, or
// evaluated, one after the other; each is reported once as a chain a → b → a.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^;]*?from\s+["'](\.[^"']*)["']|import\(\s*["'](\.[^"']*)["']\s*\)|^import\s+["'](\.[^"']*)["']/gm;

function resolveImport(file, spec) {
  const base = join(dirname(file), spec);
  const candidates = [base.replace(/\.(m?)js$/, ".$1ts"), base, `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

function importGraph(dir) {
  const graph = new Map();
  for (const file of sourceFiles(dir)) {
    if (!/\.(ts|mts|js|mjs)$/.test(file)) continue;
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1] ?? m[2] ?? m[3])).filter(Boolean);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function cyclesOf(graph) {
  const cycles = new Map();
  const state = new Map(); // 1: on the current path, 2: done
  const path = [];
  const visit = (file) => {
    state.set(file, 1);
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 1) {
        const loop = path.slice(path.indexOf(next));
        const start = loop.indexOf([...loop].sort()[0]); // one rotation per cycle, however it was entered
        const chain = [...loop.slice(start), ...loop.slice(0, start)];
        cycles.set(chain.join(), [...chain, chain[0]]);
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 2);
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...cycles.values()];
}

const packages = ["packages", "services"].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name)),
);
for (const dir of [...packages, join(root, "gateway"), join(root, "test")].filter((d) => statSync(d).isDirectory()))
  for (const cycle of cyclesOf(importGraph(dir)))
    violations.push(`import cycle in ${relative(root, dir)}: ${cycle.map((f) => relative(dir, f)).join(" → ")}`);

if (violations.length) {
  console.error(`Domain boundaries broken:\n${violations.map((v) => `  ${v}`).join("\n")}`);
  process.exit(1);
}
console.log(`boundaries: ${domains.length} domain(s) keep to their own code and schema`);
