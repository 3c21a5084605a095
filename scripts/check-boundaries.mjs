#!/usr/bin/env node
// Keeps the domains apart: no service imports another service's code, no service's SQL names
// another domain's schema, and the kernel imports no service. Exits 1 listing each violation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

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

if (violations.length) {
  console.error(`Domain boundaries broken:\n${violations.map((v) => `  ${v}`).join("\n")}`);
  process.exit(1);
}
console.log(`boundaries: ${domains.length} domain(s) keep to their own code and schema`);
