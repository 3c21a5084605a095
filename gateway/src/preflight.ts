import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { createServer } from "node:net";
import { hostname } from "node:os";
import { resolve } from "node:path";

/**
 * Checks before any migration runs, so a start that cannot succeed fails in a second, saying why.
 */

/** A start refused for a reason the operator can fix (the message says which); no stack is shown. */
export class StartRefused extends Error {
  override name = "StartRefused";
}

/** Refuses at once when something already listens on the gateway's port. */
export async function assertPortFree(port: number, host: string | undefined, variable = "PORT"): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      fail(
        new StartRefused(
          error.code === "EADDRINUSE"
            ? `${variable}=${port} is already in use by another process: stop it or choose another ${variable}`
            : `${variable}=${port} cannot be listened on${host ? ` at ${host}` : ""}: ${error.code ?? error.message}`,
        ),
      ),
    );
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done()));
  });
}

export interface DataDirLock {
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * The embedded database (PGlite) is one process's files: a second process writing them loses data.
 * Takes `<dir>/erp.lock` holding this process's id; a lock whose process has died (a crash, a kill -9)
 * is stale and taken over. Released when the database closes, or at exit.
 */
export function lockDataDir(dir: string): DataDirLock {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const file = `${folder}/erp.lock`;
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off("exit", release);
        rmSync(file, { force: true });
      };
      process.on("exit", release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(file);
    // Our own pid in the file is a previous life's (a container restarted after a crash gets pid 1 again).
    const stale = !holder || (holder.host === me.host && (holder.pid === process.pid || !isAlive(holder.pid)));
    if (!stale)
      throw new StartRefused(
        `DATA_DIR ${folder} is in use by process ${holder!.pid}${holder!.host === me.host ? "" : ` on ${holder!.host}`} ` +
          `(since ${holder!.since}): the embedded database serves one process only. Stop that process, ` +
          "choose another DATA_DIR, or set DATABASE_URL to share PostgreSQL" +
          (holder!.host === me.host ? "" : `; if ${holder!.host} no longer runs it, delete ${file}`),
      );
    rmSync(file, { force: true }); // left by a process that no longer runs
  }
  throw new StartRefused(`DATA_DIR ${folder}: could not take ${file}`);
}

function readHolder(file: string): Holder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? "an unknown time") }
      : undefined;
  } catch {
    return undefined; // unreadable or half-written: treated as stale
  }
}
