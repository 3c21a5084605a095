import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EventBus, logger, onShutdown } from "@erp/core";
import { revokeDevelopmentKeys } from "@erp/identity";
import { startPrimaryOfWorkers } from "./cluster.js";
import { composeSupergraph } from "./compose.js";
import { loadConfig, REPO_ROOT } from "./config.js";
import { migrateAll, openErpDatabase, seedDomains, startErp } from "./runtime.js";
import { subgraphModules } from "./subgraphs.js";

const HELP = `erp — the federated GraphQL ERP

Usage: erp <command> [options]

Commands:
  start              Start the gateway (one process unless ERP_MODE=split), migrating and
                     seeding an empty database first.
  compose [--check]  Write supergraph.graphql (Federation 2, servable by Apollo Router);
                     --check fails when the committed file is stale.
  migrate            Apply every domain's migrations, then exit.
  seed               Add the demo data (safe to repeat: it goes through idempotent actions).
  revoke-development-keys
                     Revoke the development API key(s) before starting in production.

Environment:
  PORT (4000)  HOST  DATABASE_URL (else embedded PGlite in DATA_DIR, default .data/)
  ERP_MODE=single|split  <NAME>_SUBGRAPH_URL (split mode)  GATEWAY_SECRET
  WORKERS (1; one process per core with "auto"; more than 1 needs DATABASE_URL)
  AUTH_JWT_SECRET | AUTH_JWKS_URL  AUTH_JWT_ISSUER  AUTH_JWT_AUDIENCE  AUTH_ROLES_CLAIM
  AUTH_ROLE_SCOPES  ERP_DEVELOPMENT_KEY (true outside production)
  NODE_ENV=production (no Sandbox, no introspection unless INTROSPECTION=true)  SEED=false  LOG_LEVEL
`;

const SUPERGRAPH_FILE = `${REPO_ROOT}supergraph.graphql`;

async function start(): Promise<void> {
  const config = loadConfig();
  const modules = subgraphModules();
  if (await startPrimaryOfWorkers(config, modules)) return; // WORKERS > 1: the workers start the ERP
  const erp = await startErp(config, modules);
  const database = erp.database
    ? `${erp.database.kind === "pglite" ? "PGlite" : "PostgreSQL"} (${erp.database.location})`
    : "owned by each subgraph server";
  console.log(
    [
      "",
      `  ERP gateway ready at ${erp.server.url}`,
      `  mode:       ${config.mode === "split" ? "split (subgraphs over HTTP)" : "one process"}`,
      `  database:   ${database}`,
      `  subgraphs:  ${modules.map((m) => (config.mode === "split" ? `${m.name} → ${config.subgraphUrls[m.name]}` : m.name)).join(", ")}`,
      erp.seeded.length ? `  demo data:  added for ${erp.seeded.join(", ")}` : "",
      config.production ? "" : `  Sandbox:    open ${erp.server.url} in a browser`,
      erp.developmentToken
        ? `  dev key:    ${erp.developmentToken}\n              (every scope; send it as the X-API-Key header — Sandbox already does)`
        : "",
      "",
    ]
      .filter((line) => line !== "")
      .join("\n"),
  );
  onShutdown(erp.stop);
}

function compose(check: boolean): void {
  const config = loadConfig({ ...process.env, ERP_MODE: "split" });
  const sdl = `${composeSupergraph(subgraphModules(), (name) => config.subgraphUrls[name]!)}\n`;
  if (!check) {
    writeFileSync(SUPERGRAPH_FILE, sdl);
    console.log(`wrote ${SUPERGRAPH_FILE}`);
    return;
  }
  const committed = readFileSync(SUPERGRAPH_FILE, "utf8");
  if (committed !== sdl) {
    console.error("supergraph.graphql is stale: run `pnpm compose` and commit the result");
    process.exit(1);
  }
  console.log("supergraph.graphql is up to date");
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openErpDatabase>>) => Promise<void>) {
  const database = await openErpDatabase(loadConfig());
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

const { positionals, values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  allowPositionals: true,
  options: { help: { type: "boolean", short: "h" }, check: { type: "boolean" } },
});
const command = positionals[0];

try {
  if (values.help || !command) console.log(HELP);
  else if (command === "start") await start();
  else if (command === "compose") compose(values.check ?? false);
  else if (command === "migrate") await withDatabase(async (d) => void (await migrateAll(d, subgraphModules())));
  else if (command === "revoke-development-keys")
    await withDatabase(async (d) => {
      await migrateAll(d, subgraphModules());
      console.log(`revoked ${await revokeDevelopmentKeys(d.db)} development key(s)`);
    });
  else if (command === "seed")
    await withDatabase(async (d) => {
      await migrateAll(d, subgraphModules());
      const bus = await EventBus.start(d, subgraphModules());
      await seedDomains(d, subgraphModules(), bus).finally(() => bus.stop());
      console.log("demo data in place");
    });
  else {
    console.error(`Unknown command "${command}"\n\n${HELP}`);
    process.exit(2);
  }
} catch (error) {
  logger.error({ err: error }, "command failed");
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
