import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { hostname } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { bearer } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { environmentProblems, GATEWAY_VARIABLES, settingChecks, unknownErpVariables } from "../src/environment.js";
import { assertPortFree, lockDataDir } from "../src/preflight.js";
import { subgraphModules } from "../src/subgraphs.js";
import { buildOnce, cleanEnv, compiledCli, graphql, ROOT, run, tempDir } from "./processes.js";

/** Variables holding free text (names, paths, secrets checked elsewhere): no value is wrong for them. */
const FREE_TEXT = new Set([
  "DATA_DIR",
  "AUTH_JWT_ISSUER",
  "AUTH_JWT_AUDIENCE",
  "GATEWAY_SECRET",
  "SELLER_NAME",
  "SELLER_ADDRESS",
  "SELLER_TAX_ID",
]);

/** Every variable the README's configuration tables document (up to "Calling the API"). */
function documentedVariables(): string[] {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const tables = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Calling the API"));
  const names = [...tables.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((row) =>
    [...row[1]!.matchAll(/`([A-Z<][A-Z_<>]*)`/g)].map((m) => m[1]!),
  );
  return names.flatMap((name) =>
    name === "<NAME>_SUBGRAPH_URL" ? subgraphModules().map((m) => `${m.name.toUpperCase()}_SUBGRAPH_URL`) : [name],
  );
}

const domainSettings = () => settingChecks(subgraphModules());

describe("configuration, read and checked once before anything starts", () => {
  it("refuses a bad value of every documented variable, naming the variable, the value and what is expected", () => {
    const documented = documentedVariables();
    expect(documented.length).toBeGreaterThan(50);
    const unchecked: string[] = [];
    for (const name of documented.filter((n) => !FREE_TEXT.has(n))) {
      vi.stubEnv(name, "not valid");
      const problems = environmentProblems(process.env, domainSettings());
      vi.unstubAllEnvs();
      const named = problems.find((p) => p.startsWith(`${name}="not valid" is not `));
      if (!named) unchecked.push(`${name}: ${problems.join("; ") || "accepted"}`);
    }
    expect(unchecked).toEqual([]);
  });

  it("accepts the documented defaults and blank values", () => {
    expect(environmentProblems({ PORT: "4000", DATABASE_URL: "postgres://u:p@db:5432/erp", SEED: "" })).toEqual([]);
    expect(Object.keys(GATEWAY_VARIABLES)).toContain("CRM_SUBGRAPH_URL");
  });

  it("warns about ERP_* variables nothing reads", () => {
    expect(unknownErpVariables({ ERP_MODE: "split", ERP_MOED: "split", ERP_SERVICE: "crm" })).toEqual(["ERP_MOED"]);
  });
});

describe("the ERP started as an operator starts it (compiled build, plain node)", () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    buildOnce();
    busy = createServer();
    await new Promise<void>((done) => busy.listen(0, "127.0.0.1", done));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => busy.close(() => done())));

  it("refuses bad settings at once, listing each, before any migration touches DATA_DIR", async () => {
    const dataDir = `${tempDir("config")}/data`;
    const started = Date.now();
    const erp = run([...compiledCli, "start"], {
      ...cleanEnv({ DATA_DIR: dataDir, PORT: "abc", DATABASE_POOL_SIZE: "0", DEFAULT_TAX_RATE: "abc" }),
      ERP_MOED: "split",
    });
    expect(await erp.exited).toBe(2);
    const output = erp.output();
    expect(output).toContain('PORT="abc" is not a whole number from 0 to 65535');
    expect(output).toContain('DATABASE_POOL_SIZE="0" is not a whole number from 1 to 100');
    expect(output).toContain('DEFAULT_TAX_RATE="abc" is not a percentage');
    expect(output).toContain("warning: ERP_MOED is set but the ERP reads no such variable");
    expect(output).not.toMatch(/\n\s+at /); // no stack
    expect(existsSync(dataDir)).toBe(false);
    console.log(`bad settings refused after ${Date.now() - started} ms (process start included)`);
  });

  it("refuses a port in use within a second of checking, before migrations", async () => {
    const started = performance.now();
    await expect(assertPortFree(busyPort, "127.0.0.1")).rejects.toThrow(
      `PORT=${busyPort} is already in use by another process`,
    );
    expect(performance.now() - started).toBeLessThan(1000);

    const dataDir = `${tempDir("port")}/data`;
    const erp = run(
      [...compiledCli, "start"],
      cleanEnv({ DATA_DIR: dataDir, PORT: String(busyPort), HOST: "127.0.0.1" }),
    );
    expect(await erp.exited).toBe(2);
    expect(erp.output()).toContain(`PORT=${busyPort} is already in use by another process`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("starts and answers; a second process on the same DATA_DIR is refused and the first one's data stays intact", async () => {
    const dataDir = tempDir("lock");
    const first = run([...compiledCli, "start"], cleanEnv({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" }));
    try {
      const [, url] = await first.waitFor(/ERP gateway ready at (\S+)/);
      const admin = await bearer("operator@erp.test", ["admin"]);
      const registered = await graphql(
        url!,
        `mutation { registerCustomer(input: { idempotencyKey: "lock-1", name: "Kept Customer" }) { customer { code } errors { code } } }`,
        admin,
      );
      const code = registered.body.data.registerCustomer.customer.code as string;

      const second = run([...compiledCli, "start"], cleanEnv({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" }));
      expect(await second.exited).toBe(2);
      expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by process ${first.child.pid}`);

      const read = await graphql(url!, `{ customers(first: 10) { nodes { code name } } }`, admin);
      expect(read.body.data.customers.nodes).toEqual([{ code, name: "Kept Customer" }]);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(existsSync(`${dataDir}/erp.lock`)).toBe(false);
  }, 400_000); // two processes migrating on a loaded 2-core machine
});

describe("the DATA_DIR lock", () => {
  it("takes over a lock left by a process that no longer runs (a crash)", () => {
    const dataDir = tempDir("stale");
    const gone = spawnSync(process.execPath, ["-e", "process.pid"]).pid;
    writeFileSync(`${dataDir}/erp.lock`, JSON.stringify({ pid: gone, host: hostname(), since: "earlier" }));
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(`${dataDir}/erp.lock`, "utf8")).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(`${dataDir}/erp.lock`)).toBe(false);
  });

  it("refuses while the holder runs, naming the folder and the holder", () => {
    const dataDir = tempDir("held");
    writeFileSync(`${dataDir}/erp.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), since: "earlier" }));
    expect(() => lockDataDir(dataDir)).toThrow(`DATA_DIR ${dataDir} is in use by process ${process.ppid}`);
  });
});

describe("the command line", () => {
  // As a newcomer runs it: npm only, no pnpm on PATH.
  const withoutPnpm = (process.env.PATH ?? "").split(delimiter).filter((dir) => !existsSync(join(dir, "pnpm")));
  const npmOnly = { ...process.env, PATH: [dirname(process.execPath), ...withoutPnpm].join(delimiter) };
  const erp = (...args: string[]) =>
    spawnSync("npm", ["run", "--silent", "erp", "--", ...args], { cwd: ROOT, env: npmOnly, encoding: "utf8" });

  it("answers --version through npm run erp", () => {
    const result = erp("--version");
    expect(result.stdout).toMatch(/^erp \d+\.\d+\.\d+ \(Node\.js \d+/);
    expect(result.status).toBe(0);
  });

  it("answers an unknown flag or command with a short usage error, not a stack", () => {
    for (const [args, message] of [
      [["--verison"], "Unknown option '--verison'"],
      [["strat"], 'unknown command "strat"'],
      [["migrate", "--check"], "--check goes with compose only"],
    ] as const) {
      const result = erp(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("Usage: erp <command>");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 400_000); // three processes, each loading every domain
  // (the CLI reads its arguments after importing the domains: a usage error takes a process start)
});
