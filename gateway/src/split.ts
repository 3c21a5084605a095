import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { logger, onShutdown } from "@erp/core";
import { type GatewayConfig, REPO_ROOT } from "./config.js";
import { healthUrl } from "./edge/readiness.js";
import { startMetrics } from "./metrics.js";
import { assertPortFree, StartRefused } from "./preflight.js";
import { prepareDatabase, startErp } from "./runtime.js";
import { SUBGRAPHS } from "./subgraphs.js";

/**
 * `erp start --split`: the split topology in one command. Migrates and seeds PostgreSQL, starts
 * every subgraph server in its own process (their output prefixed with their name), restarts one
 * that crashes with backoff, and serves the gateway in front of them from this process. SIGINT or
 * SIGTERM stops the gateway, then every subgraph, then exits.
 */

const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;
/** A process that ran this long before crashing starts its backoff again from the first delay. */
const HEALTHY_RUN_MS = 60_000;
const STOP_GRACE_MS = 15_000;

interface Supervised {
  name: string;
  port: number;
  script: string;
  child?: ChildProcess;
  crashes: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

const COLOURS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94];

export async function startSplit(config: GatewayConfig): Promise<void> {
  if (!config.databaseUrl)
    throw new StartRefused("start --split runs every subgraph on PostgreSQL: set DATABASE_URL (README, Configuration)");
  // Compiled (dist/*.js, plain node) or sources (tsx): the subgraph servers run the same way as this process.
  const compiled = import.meta.url.endsWith(".js");
  const processes: Supervised[] = SUBGRAPHS.map(({ module, port, server }) => ({
    name: module.name,
    port: Number(new URL(config.subgraphUrls[module.name]!).port || port),
    script: `${REPO_ROOT}${compiled ? server.replace("/src/", "/dist/").replace(/\.ts$/, ".js") : server}`,
    crashes: 0,
    startedAt: 0,
  }));
  await assertPortFree(config.port, config.host);
  if (config.metrics.port !== "off") await assertPortFree(config.metrics.port, config.host, "METRICS_PORT");
  for (const p of processes) await assertPortFree(p.port, config.host, `${p.name.toUpperCase()}_SUBGRAPH_URL's port`);

  await prepareDatabase(
    config,
    SUBGRAPHS.map((s) => s.module),
  );
  const width = Math.max(...processes.map((p) => p.name.length), "gateway".length);
  let stopping = false;
  let gateway: Awaited<ReturnType<typeof startErp>> | undefined;
  let metrics: Awaited<ReturnType<typeof startMetrics>>;
  const say = (message: string) => console.log(`${label("erp", width, 0)} ${message}`);

  const launch = (p: Supervised, index: number) => {
    p.startedAt = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, p.script], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(p.port), ERP_SERVICE: p.name, ERP_MODE: "split" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    p.child = child;
    const prefix = label(p.name, width, COLOURS[index % COLOURS.length]!);
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on("line", (line) => console.log(`${prefix} ${line}`));
    say(`${p.name} started (pid ${child.pid}) on port ${p.port}`);
    child.on("exit", (code, signal) => {
      p.child = undefined;
      if (stopping) return;
      if (Date.now() - p.startedAt > HEALTHY_RUN_MS) p.crashes = 0;
      const delay = Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** p.crashes);
      p.crashes++;
      say(`${p.name} exited (${signal ?? `code ${code}`}); restarting in ${(delay / 1000).toFixed(1)} s`);
      logger.warn({ subgraph: p.name, code, signal, restartInMs: delay }, "subgraph process exited");
      p.restartTimer = setTimeout(() => launch(p, index), delay);
    });
  };
  processes.forEach(launch);

  const stopAll = async () => {
    stopping = true;
    for (const p of processes) clearTimeout(p.restartTimer);
    await metrics?.stop();
    await gateway?.stop();
    await Promise.all(processes.map((p) => stopChild(p.child)));
    say("every process stopped");
  };
  onShutdown(stopAll);

  await Promise.all(processes.map((p) => untilHealthy(config.subgraphUrls[p.name]!, () => stopping)));
  if (stopping) return;
  gateway = await startErp(
    config,
    SUBGRAPHS.map((s) => s.module),
  );
  metrics = await startMetrics(config.metrics, config.host);
  if (metrics) say(`metrics at ${metrics.url}`);
  say(`gateway ready at ${gateway.server.url} (split: ${processes.map((p) => `${p.name}:${p.port}`).join(", ")})`);
}

const label = (name: string, width: number, colour: number) =>
  process.stdout.isTTY && colour ? `\x1b[${colour}m${name.padEnd(width)} |\x1b[0m` : `${name.padEnd(width)} |`;

async function untilHealthy(subgraphUrl: string, cancelled: () => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cancelled() && Date.now() < deadline) {
    try {
      const response = await fetch(healthUrl(subgraphUrl), { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!cancelled()) throw new Error(`${subgraphUrl} did not become healthy within ${timeoutMs / 1000} s`);
}

/** SIGTERM (the subgraph drains and closes its database), then SIGKILL if it does not end in time. */
function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}
