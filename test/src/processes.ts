import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@erp/core";
import { TEST_JWT_SECRET } from "@erp/testing";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL("./exit-with-parent.mjs", import.meta.url));

/** A subgraph process with no answer after this is broken, not slow (a loaded machine starts one in ~20 s). */
const READY_WITHIN_MS = 60_000;

/**
 * How long starting the split ERP may take before a hook calls it hung: the subgraphs start in
 * waves (a few at a time, see harness.ts; on PostgreSQL one by one, but each far faster), each
 * allowed READY_WITHIN_MS, after PGlite's template (15 s on a loaded machine), then the gateway.
 * Shorter than that, the hook, not the harness, would say what went wrong.
 */
export const SPLIT_START_MS = 4 * READY_WITHIN_MS + 60_000;

/** Started all at once (on PostgreSQL), each shares the machine with the others: as long as the waves took in all. */
export const TOGETHER_READY_WITHIN_MS = 4 * READY_WITHIN_MS;

export interface SubgraphProcess {
  name: string;
  server: string;
  url: string;
  env: NodeJS.ProcessEnv;
  child: ChildProcess;
  dataDir?: string;
}

let template: Promise<string> | undefined;

/**
 * An initialised, empty PGlite data folder, made once per test file: PGlite's initdb costs
 * seconds of CPU per instance (10 s and more on a loaded machine), copying its output well under one.
 */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const folder = join(mkdtempSync(join(tmpdir(), "erp-template-")), "pgdata");
    await (await openDatabase({ dataDir: folder })).close();
    process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
    return folder;
  })();
  return template;
}

/**
 * Starts a subgraph's own server on a port the system picks (never one another test could
 * take between our choice and its bind) and waits until it says where it listens.
 */
export async function spawnSubgraph(
  name: string,
  server: string,
  secret: string,
  databaseUrl?: string,
  port = 0,
  readyWithinMs = READY_WITHIN_MS,
): Promise<SubgraphProcess> {
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), `erp-${name}-`));
  if (dataDir) cpSync(await pgliteTemplate(), join(dataDir, name), { recursive: true });
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    GATEWAY_SECRET: secret,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
    // The gateway in front waits as long as the harness lets it (harness.ts): a subgraph that
    // gave up sooner on a loaded machine would answer differently from one process.
    REQUEST_TIMEOUT_MS: "120000",
    QUEUE_TIMEOUT_MS: "120000",
    // Eight domains in eight processes, beside one-process tests running at the same time, must
    // stay under PostgreSQL's 100 connections: 3 pooled each, plus each process's listening
    // connection (the event bus's queue wake-ups).
    DATABASE_POOL_SIZE: "3",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir }),
  };
  const started = await launch(server, env, readyWithinMs);
  const url = `${started.url}graphql`;
  return { name, server, url, env, dataDir, child: started.child };
}

/** Starts a stopped subgraph again on its old port: the gateway knows it there. */
export async function relaunch(target: SubgraphProcess): Promise<void> {
  const env = { ...target.env, PORT: new URL(target.url).port };
  target.child = (await launch(target.server, env)).child;
}

async function launch(
  server: string,
  env: NodeJS.ProcessEnv,
  readyWithinMs = READY_WITHIN_MS,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", EXIT_WITH_PARENT, join(REPO_ROOT, server)], {
    cwd: REPO_ROOT,
    env,
    // The IPC channel is what ends the child with the harness (exit-with-parent.mjs).
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  try {
    return { child, url: await listeningUrl(child, server, readyWithinMs) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** The server prints "<name> subgraph listening on <url>" once migrated and serving. */
function listeningUrl(child: ChildProcess, server: string, readyWithinMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(`${server} not ready within ${readyWithinMs / 1000} s`), readyWithinMs);
    const onExit = (code: number | null) => fail(`${server} exited with ${code} before it listened`);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+\/)/.exec(output);
      if (!found) return;
      done();
      resolve(found[1]!);
    };
    const done = () => {
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout!.off("data", onData);
      child.stdout!.resume(); // later output is not ours to read, but must not fill the pipe
    };
    function fail(message: string) {
      done();
      reject(new Error(message));
    }
    child.once("exit", onExit);
    child.stdout!.on("data", onData);
  });
}

/** A port free right now, for a process the gateway must know before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Stops every process and removes its data; also what a failed start leaves behind. */
export async function stopAll(processes: SubgraphProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => stopProcess(p.child)));
  for (const p of processes) if (p.dataDir) rmSync(p.dataDir, { recursive: true, force: true });
}

/** The one-process ERP (gateway and every subgraph) as a child process, e.g. to kill it with SIGKILL. */
export interface GatewayProcess {
  url: string;
  child: ChildProcess;
}

/**
 * Starts `erp start` in one process on this PostgreSQL database and port, and waits until it is
 * ready. Its connections carry application_name "erp-under-test", so a test can terminate them.
 */
export async function spawnOneProcessGateway(
  databaseUrl: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
): Promise<GatewayProcess> {
  const url = new URL(databaseUrl);
  url.searchParams.set("application_name", "erp-under-test");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", EXIT_WITH_PARENT, join(REPO_ROOT, "gateway/src/cli.ts"), "start"],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: "test",
        ERP_MODE: "single",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: url.toString(),
        SEED: "false",
        ERP_DEVELOPMENT_KEY: "false",
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: process.env.LOG_LEVEL ?? "silent",
        RATE_LIMIT_PER_MINUTE: "1000000",
        RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "1000000",
        MAX_CONCURRENT_PER_CLIENT: "1000",
        MAX_EVENT_LOOP_LAG_MS: "60000",
        REQUEST_TIMEOUT_MS: "120000",
        QUEUE_TIMEOUT_MS: "120000",
        ...env,
      },
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error("the one-process ERP did not start in time")), 4 * READY_WITHIN_MS);
    child.once("exit", (code) => reject(new Error(`the one-process ERP exited with ${code} before it was ready`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes("ERP gateway ready at")) return;
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    await ready;
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { url: `http://127.0.0.1:${port}/graphql`, child };
}
