import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { logger } from "./logger.js";

const log = logger.child({ component: "database" });

export type DatabaseKind = "postgres" | "pglite";

/** A Kysely handle plus what it runs on; `close` ends the pool or the embedded engine. */
export interface Database {
  db: Kysely<unknown>;
  kind: DatabaseKind;
  /** Where the data lives, safe to print (no password). */
  location: string;
  /** Runs raw SQL (several statements when there are no values) for libraries such as pg-boss. */
  // biome-ignore lint/suspicious/noExplicitAny: rows of arbitrary SQL
  executeRaw(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  close(): Promise<void>;
  /** PostgreSQL: the pool's connections (for metrics); absent on PGlite. */
  poolStats?(): { total: number; idle: number; waiting: number };
  /**
   * LISTENs on a channel: `onPayload` hears each NOTIFY committed on it, by any process. On
   * PostgreSQL this holds a connection of its own, outside the pool; `onLost` is told when that
   * connection ends (the caller listens again). Resolves once the LISTEN is in place.
   */
  listen(channel: string, onPayload: (payload: string) => void, onLost: (error: Error) => void): Promise<Listening>;
}

/** A LISTEN in place; `close` ends it (and its connection, on PostgreSQL). */
export interface Listening {
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — when absent the embedded PGlite engine is used. */
  url?: string | undefined;
  /** Folder for PGlite's files; absent means in memory (tests). */
  dataDir?: string | undefined;
  /** Pool size on PostgreSQL. */
  maxConnections?: number;
}

// numeric, int8 and date come back as strings so no value ever passes through a JS float.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.maxConnections ?? 10) : openPglite(options.dataDir);
}

/**
 * DATABASE_POOL_SIZE: connections each process may hold on PostgreSQL (default 10). Split
 * mode runs one process per domain, so their sum must stay under the server's max_connections.
 */
export function poolSizeFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.DATABASE_POOL_SIZE?.trim();
  if (!raw) return 10;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > 100)
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "${raw}"`);
  return size;
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => log.warn({ err: error }, "idle database connection lost; the pool replaces it"));
  // A checked-out client whose connection dies (a failover, pg_terminate_backend, a network blip)
  // emits 'error' too, and an unheard 'error' ends the process. Its query fails on its own (the
  // request is answered SERVICE_UNAVAILABLE, see errors.ts); the broken client is discarded on release.
  pool.on("connect", (client) => {
    client.on("error", (error) => log.warn({ err: error }, "database connection lost during use"));
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const executeRaw = async (text: string, values: unknown[] = []) => ({ rows: (await pool.query(text, values)).rows });
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  const listen = (channel: string, onPayload: (payload: string) => void, onLost: (error: Error) => void) =>
    listenOnPostgres(url, channel, onPayload, onLost);
  return { db, kind: "postgres", location: redactUrl(url), executeRaw, close: () => db.destroy(), poolStats, listen };
}

/** A client of its own (a LISTEN holds its session), told apart in pg_stat_activity by its name. */
async function listenOnPostgres(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  onLost: (error: Error) => void,
): Promise<Listening> {
  const client = new pg.Client({ connectionString: url, application_name: `erp listener ${channel}` });
  let closing = false;
  const lost = (error: Error) => {
    if (closing) return;
    closing = true;
    client.removeAllListeners("notification");
    void client.end().catch(() => undefined);
    onLost(error);
  };
  client.on("error", lost);
  client.on("end", () => lost(new Error("the listening connection ended")));
  client.on("notification", (message) => {
    if (message.channel === channel) onPayload(message.payload ?? "");
  });
  try {
    await client.connect();
    await client.query(`listen ${pg.escapeIdentifier(channel)}`);
  } catch (error) {
    closing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    close: async () => {
      closing = true;
      await client.end().catch(() => undefined);
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // pg_trgm serves the lists' text searches (GIN trigram indexes, see enableTextSearch).
  const engine = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  // PGlite returns numeric and int8 as JS numbers by default; keep them exact.
  const parsers = { 1700: (v: string) => v, 20: (v: string) => v, 1082: (v: string) => v };
  const exactEngine = withParsers(engine, parsers);
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(exactEngine) });
  // PGlite is one session: raw SQL waits for the dialect's connection like every other query.
  const executeRaw = (text: string, values: unknown[] = []) =>
    db.connection().execute(async () => {
      if (values.length) return { rows: (await exactEngine.query(text, values)).rows };
      const results = await exactEngine.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    });
  // One process, one session: a NOTIFY committed in it reaches its own LISTEN.
  // The LISTEN waits for the dialect's connection, as raw SQL does, so it never lands inside a transaction.
  const listen = async (channel: string, onPayload: (payload: string) => void) => {
    const unlisten = await db.connection().execute(() => engine.listen(channel, onPayload));
    return { close: () => unlisten().catch(() => undefined) };
  };
  return { db, kind: "pglite", location: dataDir ?? "memory", executeRaw, close: () => db.destroy(), listen };
}

type Parsers = Record<number, (value: string) => unknown>;

function withParsers(engine: PGlite, parsers: Parsers): PGlite {
  const query = engine.query.bind(engine);
  engine.query = ((text: string, params?: unknown[], options?: object) =>
    query(text, params, { ...options, parsers })) as PGlite["query"];
  return engine;
}

/** Any key will do as long as every process of the ERP uses the same one: "erp start". */
const STARTUP_LOCK = 0x65_72_70_5f;

/**
 * Runs first-start work (creating schemas, migrating, pg-boss creating its schema and queues) under
 * one PostgreSQL advisory lock, so processes starting together on a fresh database take turns
 * instead of deadlocking on DDL or colliding on "create schema". The lock is held by a connection
 * of its own and ends with it, so a process dying mid-start leaves nothing held. PGlite serves one
 * process: nothing to serialise.
 */
export async function withStartupLock<T>(database: Pick<Database, "db" | "kind">, work: () => Promise<T>): Promise<T> {
  if (database.kind !== "postgres") return work();
  return database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.execute(connection).catch(() => undefined);
    }
  });
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres";
  }
}

/** True when a trivial statement round-trips; used by /ready. */
export async function isReachable(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
