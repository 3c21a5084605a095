import {
  type Database,
  EventBus,
  logger,
  migrateDomain,
  openDatabase,
  type RunningServer,
  type SubgraphModule,
  subgraphRunner,
  withStartupLock,
} from "@erp/core";
import { activeDevelopmentKeys, ensureDevelopmentKey } from "@erp/identity";
import { apiKeyVerifier } from "./auth/api-keys.js";
import type { GatewayConfig } from "./config.js";
import { startGateway } from "./gateway.js";
import { lockDataDir } from "./preflight.js";
import { seedingProgress } from "./seeding-progress.js";

export interface Erp {
  server: RunningServer;
  database?: Database;
  seeded: string[];
  /** Development: the API key holding every scope that Sandbox sends. */
  developmentToken?: string;
  stop(): Promise<void>;
}

/** A split gateway may trust a checked API key this long; a revoked key is refused after it. */
const SPLIT_KEY_CACHE_MS = 5_000;

/**
 * Production starts only with a way to authenticate people and no development shortcut:
 * no development key enabled, none left active in the database.
 */
export async function assertProductionReady(config: GatewayConfig, database?: Database): Promise<void> {
  if (!config.production) return;
  if (!config.auth.jwt)
    throw new Error("Production needs an identity provider: set AUTH_JWT_SECRET or AUTH_JWKS_URL (see README)");
  if (config.developmentKey) throw new Error("ERP_DEVELOPMENT_KEY must not be true in production");
  if (database && (await activeDevelopmentKeys(database.db)) > 0)
    throw new Error(
      "A development API key holding every scope is still active: revoke it with `npm run erp -- revoke-development-keys`",
    );
}

/** Opens PostgreSQL, or the embedded database locked to this process (a second one refuses, naming the holder). */
export async function openErpDatabase(config: GatewayConfig): Promise<Database> {
  const lock = config.databaseUrl ? undefined : lockDataDir(config.dataDir);
  try {
    const database = await openDatabase({
      url: config.databaseUrl,
      dataDir: `${config.dataDir}/erp`,
      maxConnections: config.poolSize,
    });
    if (!lock) return database;
    return { ...database, close: async () => database.close().finally(lock.release) };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Migrates every domain; returns the domains whose schema was created just now. */
export async function migrateAll(database: Database, modules: SubgraphModule[]): Promise<string[]> {
  const fresh: string[] = [];
  // Under the startup lock: another process starting on the same fresh database waits its turn.
  await withStartupLock(database, async () => {
    for (const module of modules) {
      const report = await migrateDomain(database.db, module.name, module.migrations);
      if (report.applied.length) logger.info({ domain: module.name, applied: report.applied }, "migrated");
      if (report.freshSchema) fresh.push(module.name);
    }
  });
  return fresh;
}

/** Seeds domain by domain, letting events flow between them so later domains know earlier ones' data. */
export async function seedDomains(database: Database, modules: SubgraphModule[], bus?: EventBus): Promise<void> {
  const progress = seedingProgress(database, modules);
  for (const module of modules) {
    if (!module.seed) continue;
    const done = await progress.starting(module.name);
    await module.seed(subgraphRunner(module, database.db), {
      db: database.db,
      settle: async () => bus?.settle(120_000),
    });
    await bus?.settle(120_000);
    await done();
  }
}

/**
 * Migrates every domain and seeds the ones found empty, then closes the database: done once by
 * whatever starts several processes (the split supervisor, the primary of WORKERS) before they start.
 */
export async function prepareDatabase(config: GatewayConfig, modules: SubgraphModule[]): Promise<void> {
  const database = await openErpDatabase(config);
  try {
    const fresh = await migrateAll(database, modules);
    const toSeed = config.seed ? modules.filter((m) => fresh.includes(m.name)) : [];
    if (!toSeed.length) return;
    const bus = await EventBus.start(database, modules);
    await seedDomains(database, toSeed, bus).finally(() => bus.stop());
  } finally {
    await database.close();
  }
}
/** The whole ERP: database, migrations, demo data on first start, the gateway. */
export async function startErp(config: GatewayConfig, modules: SubgraphModule[]): Promise<Erp> {
  for (const module of modules) module.settings?.(); // a bad setting stops the start before any migration runs
  if (config.mode === "split") return startSplitGateway(config, modules);
  const database = await openErpDatabase(config);
  const fresh = await migrateAll(database, modules);
  await assertProductionReady(config, database);
  const toSeed = config.seed ? modules.filter((m) => fresh.includes(m.name)) : [];
  const bus = await EventBus.start(database, modules);
  await seedDomains(database, toSeed, bus);
  const developmentToken = config.developmentKey
    ? (await ensureDevelopmentKey(database.db, `${config.dataDir}/development-api-key`)).token
    : undefined;
  const server = await startGateway({
    config,
    modules,
    database,
    apiKeys: apiKeyVerifier(database.db),
    identityDb: database.db,
    ...(developmentToken && { developmentToken }),
  });
  return {
    server,
    database,
    seeded: toSeed.map((m) => m.name),
    ...(developmentToken && { developmentToken }),
    stop: async () => {
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}

/**
 * Split mode: the subgraphs own their data; the gateway reads only the identity domain's
 * keys, from the shared PostgreSQL database. Without one, API keys cannot be checked here.
 */
async function startSplitGateway(config: GatewayConfig, modules: SubgraphModule[]): Promise<Erp> {
  const keys = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: 5 }) : undefined;
  await assertProductionReady(config, keys);
  if (!keys) logger.warn("split mode without DATABASE_URL: API keys cannot be checked, only bearer tokens");
  const server = await startGateway({
    config,
    modules,
    ...(keys && { apiKeys: apiKeyVerifier(keys.db, SPLIT_KEY_CACHE_MS), identityDb: keys.db }),
  });
  return {
    server,
    seeded: [],
    stop: async () => {
      await server.stop();
      await keys?.close();
    },
  };
}
