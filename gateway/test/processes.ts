import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { TEST_JWT_SECRET } from "@erp/testing";

/** The ERP's command line run as an operator runs it: its own process, its own environment. */
export const ROOT = new URL("../../", import.meta.url).pathname;

export const compiledCli = ["--conditions=erp-compiled", `${ROOT}gateway/dist/cli.js`];
export const sourceCli = ["--import", "tsx", `${ROOT}gateway/src/cli.ts`];

/** Compiles the workspace (`npm run build`'s script) once per test file; it takes about a second. */
export function buildOnce(): void {
  execFileSync(process.execPath, [`${ROOT}scripts/build.mjs`], { cwd: ROOT, stdio: "pipe" });
}

export const tempDir = (name: string) => mkdtempSync(`${tmpdir()}/erp-${name}-`);

/** An environment with nothing of the developer's, quiet logs and a test identity provider. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PATH, HOME } = process.env;
  return {
    PATH,
    HOME,
    LOG_LEVEL: "warn",
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SEED: "false",
    METRICS_PORT: "0",
    ...extra,
  };
}

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output once `pattern` appears; rejects when the process ends first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function run(args: string[], env: NodeJS.ProcessEnv, command = process.execPath): Running {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", append);
  child.stderr!.on("data", append);
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 150_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${text}`)), timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (!text.match(pattern)) reject(new Error(`process ended before ${pattern}:\n${text}`));
        });
        check();
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function graphql(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
}
