/**
 * Summarises a V8 CPU profile (node --cpu-prof; `BENCH_CPU_PROF_DIR=dir npm run bench` writes one per
 * one-process contender): the functions with the most self time, and self time per package.
 * Usage: tsx bench/src/profile.ts file.cpuprofile [top]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = "25"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
// Shares of the time the process was busy: idle time (waiting on PostgreSQL, the network) is left out.
const idle = profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id);
for (const id of idle) self.delete(id);
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a function lives: a package (from its node_modules path), our own code, or the runtime. */
function owner(url: string): string {
  if (!url) return "(runtime)";
  const pkg = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const ours = /\/((?:services|packages|gateway|bench)\/[^/]+)\/[^/]+$|\/((?:services|packages)\/[^/]+)\//.exec(url);
  if (ours) return ours[1] ?? ours[2]!;
  return url.startsWith("node:") ? "node" : url;
}

/** Node's and the runtime's own frames are charged to the nearest caller that is a package or ours. */
function caller(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const where = owner(byId.get(at)!.callFrame.url);
    if (where !== "node" && where !== "(runtime)") return where;
  }
  return owner(byId.get(id)!.callFrame.url);
}

const functions = new Map<string, number>();
const packages = new Map<string, number>();
const callers = new Map<string, number>();
for (const [id, time] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = owner(url);
  const name = `${functionName || "(anonymous)"} ${where}${url ? `:${lineNumber + 1}` : ""}`;
  functions.set(name, (functions.get(name) ?? 0) + time);
  packages.set(where, (packages.get(where) ?? 0) + time);
  const charged = caller(id);
  callers.set(charged, (callers.get(charged) ?? 0) + time);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
console.log(`| function (self time) | share |\n|---|---|`);
for (const [name, time] of sorted(functions)) console.log(`| \`${name}\` | ${pct(time)} |`);
console.log(`\n| package | share |\n|---|---|`);
for (const [name, time] of sorted(packages)) console.log(`| ${name} | ${pct(time)} |`);
console.log(`\n| package, with the Node and runtime work it asked for | share |\n|---|---|`);
for (const [name, time] of sorted(callers)) console.log(`| ${name} | ${pct(time)} |`);
