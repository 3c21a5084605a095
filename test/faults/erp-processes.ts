import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Database } from "@erp/core";
import { SUBGRAPHS } from "@erp/gateway";
import { createTestDatabase, TEST_JWT_SECRET } from "@erp/testing";
import { relaunch, type SubgraphProcess, spawnSubgraph, stopAll, stopProcess } from "../src/processes.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL("../src/exit-with-parent.mjs", import.meta.url));
const READY_WITHIN_MS = 90_000;

/** A process the suite can kill with SIGKILL and start again on the same port. */
export interface Restartable {
  name: string;
  child: ChildProcess;
  kill(): Promise<void>;
  restart(): Promise<void>;
}

/** The gateway as a process of its own (so it can be killed), in split or one-process mode. */
async function startGatewayProcess(env: NodeJS.ProcessEnv): Promise<{ url: string; process: Restartable }> {
  let port = "0";
  const launch = async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", EXIT_WITH_PARENT, `${REPO_ROOT}gateway/src/cli.ts`, "start"],
      { cwd: REPO_ROOT, env: { ...env, PORT: port }, stdio: ["ignore", "pipe", "inherit", "ipc"] },
    );
    const url = await readyUrl(child, /ready at (http:\/\/\S+)/);
    port = new URL(url).port;
    return { child, url: `${url.replace(/\/(graphql)?$/, "")}/graphql` };
  };
  const first = await launch();
  const gateway: Restartable = {
    name: "gateway",
    child: first.child,
    kill: () => killHard(gateway.child),
    restart: async () => {
      gateway.child = (await launch()).child;
    },
  };
  return { url: first.url, process: gateway };
}

function readyUrl(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => finish(new Error(`not ready within ${READY_WITHIN_MS / 1000} s`)), READY_WITHIN_MS);
    const onExit = (code: number | null) => finish(new Error(`exited with ${code} before it was ready`));
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = pattern.exec(output);
      if (found) finish(undefined, found[1]!);
    };
    function finish(error?: Error, url?: string) {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout!.off("data", onData);
      child.stdout!.resume();
      if (error) reject(error);
      else resolve(url!);
    }
    child.once("exit", onExit);
    child.stdout!.on("data", onData);
  });
}

/** SIGKILL: no shutdown hook runs, connections and jobs are left as a crash leaves them. */
export function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const gatewayEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: "test",
  HOST: "127.0.0.1",
  AUTH_JWT_SECRET: TEST_JWT_SECRET,
  ERP_DEVELOPMENT_KEY: "false",
  SEED: "false",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
  REQUEST_TIMEOUT_MS: "60000",
  QUEUE_TIMEOUT_MS: "60000",
  ...extra,
});

export interface FaultErp {
  url: string;
  database: Database & { url?: string };
  gateway: Restartable;
  subgraphs: Restartable[];
  stop(): Promise<void>;
}

/**
 * The split ERP on a fresh PostgreSQL database: eight subgraph processes (started one by one, as the e2e harness
 * does) and the gateway, each a process the suite may kill. `env` reaches every process (settings, fault switch).
 */
export async function startSplitErp(env: NodeJS.ProcessEnv): Promise<FaultErp> {
  const database = await createTestDatabase();
  if (!database.url) throw new Error("The fault suite runs on PostgreSQL: set TEST_DATABASE_URL");
  const secret = randomBytes(16).toString("hex");
  const saved = { ...process.env };
  Object.assign(process.env, { NODE_ENV: "test", ...env });
  const processes: SubgraphProcess[] = [];
  try {
    for (const { module, server } of SUBGRAPHS)
      processes.push(await spawnSubgraph(module.name, server, secret, database.url));
  } catch (error) {
    await stopAll(processes);
    await database.close();
    throw error;
  } finally {
    process.env = saved;
  }
  const subgraphs = processes.map(
    (p): Restartable => ({
      name: p.name,
      get child() {
        return p.child;
      },
      kill: () => killHard(p.child),
      restart: () => relaunch(p),
    }),
  );
  const urls = Object.fromEntries(processes.map((p) => [`${p.name.toUpperCase()}_SUBGRAPH_URL`, p.url]));
  const { url, process: gateway } = await startGatewayProcess(
    gatewayEnv({ ...env, ...urls, ERP_MODE: "split", GATEWAY_SECRET: secret }),
  );
  return {
    url,
    database,
    gateway,
    subgraphs,
    stop: async () => {
      await stopProcess(gateway.child);
      await stopAll(processes);
      await database.close();
    },
  };
}

/** The one-process ERP (gateway, every subgraph and the event bus) on a fresh PostgreSQL database. */
export async function startOneProcessErp(env: NodeJS.ProcessEnv): Promise<FaultErp> {
  const database = await createTestDatabase();
  if (!database.url) throw new Error("The fault suite runs on PostgreSQL: set TEST_DATABASE_URL");
  const { url, process: gateway } = await startGatewayProcess(
    gatewayEnv({ ...env, ERP_MODE: "single", DATABASE_URL: database.url, DATABASE_POOL_SIZE: "10" }),
  );
  return {
    url,
    database,
    gateway,
    subgraphs: [],
    stop: async () => {
      await stopProcess(gateway.child);
      await database.close();
    },
  };
}
