import {
  type Database,
  EventBus,
  logger,
  migrateDomain,
  openDatabase,
  type RunningServer,
  type SubgraphModule,
  subgraphRunner,
} from "@erp/core";
import type { GatewayConfig } from "./config.js";
import { startGateway } from "./gateway.js";

export interface Erp {
  server: RunningServer;
  database?: Database;
  seeded: string[];
  stop(): Promise<void>;
}

export async function openErpDatabase(config: GatewayConfig): Promise<Database> {
  return openDatabase({ url: config.databaseUrl, dataDir: `${config.dataDir}/erp` });
}

/** Migrates every domain; returns the domains whose schema was created just now. */
export async function migrateAll(database: Database, modules: SubgraphModule[]): Promise<string[]> {
  const fresh: string[] = [];
  for (const module of modules) {
    const report = await migrateDomain(database.db, module.name, module.migrations);
    if (report.applied.length) logger.info({ domain: module.name, applied: report.applied }, "migrated");
    if (report.freshSchema) fresh.push(module.name);
  }
  return fresh;
}

/** Seeds domain by domain, letting events flow between them so later domains know earlier ones' data. */
export async function seedDomains(database: Database, modules: SubgraphModule[], bus?: EventBus): Promise<void> {
  for (const module of modules) {
    await module.seed?.(subgraphRunner(module, database.db), {
      db: database.db,
      settle: async () => bus?.settle(120_000),
    });
    await bus?.settle(120_000);
  }
}

/** The whole ERP: database, migrations, demo data on first start, the gateway. */
export async function startErp(config: GatewayConfig, modules: SubgraphModule[]): Promise<Erp> {
  if (config.mode === "split") {
    const server = await startGateway({ config, modules });
    return { server, seeded: [], stop: () => server.stop() };
  }
  const database = await openErpDatabase(config);
  const fresh = await migrateAll(database, modules);
  const toSeed = config.seed ? modules.filter((m) => fresh.includes(m.name)) : [];
  const bus = await EventBus.start(database, modules);
  await seedDomains(database, toSeed, bus);
  const server = await startGateway({ config, modules, database });
  return {
    server,
    database,
    seeded: toSeed.map((m) => m.name),
    stop: async () => {
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}
