import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The process and every descendant of it (split mode's subgraph servers), from /proc. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

const TICKS_PER_SECOND = 100;

/** CPU milliseconds (user + system) the processes have used so far. */
export function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** SQL statements the processes have sent so far (probe.mjs answers SIGUSR2 with its count). */
export async function sqlStatements(pids: number[], dir: string): Promise<number> {
  const asked = Date.now();
  const probed = pids.filter((pid) => {
    try {
      // Only processes carrying the probe: SIGUSR2 would end any other (esbuild's service, say).
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("probe.mjs")) return false;
      process.kill(pid, "SIGUSR2");
      return true;
    } catch {
      return false;
    }
  });
  let total = 0;
  for (const pid of probed) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const [count, at] = readFileSync(join(dir, String(pid)), "utf8")
          .split(" ")
          .map(Number);
        if (at! >= asked) {
          total += count!;
          break;
        }
      } catch {
        // not written yet
      }
      if (Date.now() > deadline) break; // a process without the probe (e.g. tsx's own)
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return total;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: number[]): number => percentile(values, 50);
