import cluster from "node:cluster";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EventBus, logger, onShutdown } from "@erp/core";
import { revokeDevelopmentKeys } from "@erp/identity";
import { publicApiSchema, unannouncedBreakingChanges } from "./api-schema.js";
import { startPrimaryOfWorkers } from "./cluster.js";
import { composeSupergraph } from "./compose.js";
import { type GatewayConfig, loadConfig, REPO_ROOT } from "./config.js";
import { ConfigurationError, environmentProblems, settingChecks, unknownErpVariables } from "./environment.js";
import { startMetrics } from "./metrics.js";
import { assertPortFree, StartRefused } from "./preflight.js";
import { migrateAll, openErpDatabase, seedDomains, startErp } from "./runtime.js";
import { subgraphModules } from "./subgraphs.js";
import { startTracing } from "./tracing.js";

const HELP = `erp — the federated GraphQL ERP

Usage: erp <command> [options]

Commands:
  start              Start the gateway (one process unless ERP_MODE=split), migrating and
                     seeding an empty database first.
  start --split      Start every subgraph in its own process and the gateway in front of them
                     (PostgreSQL: DATABASE_URL); Ctrl-C stops them all.
  compose [--check]  Write supergraph.graphql (Federation 2, servable by Apollo Router) and
                     schema.graphql (the public API schema); --check fails when either is stale.
  check-schema [--against FILE]
                     Fail on a breaking change to the API schema (against the committed
                     schema.graphql, or FILE) that was not deprecated first.
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
  Every variable is checked before anything starts (README, "Configuration").

Options:
  -h, --help     this text
  -v, --version  the ERP's version
`;

const USAGE = "Usage: erp <command> [options]   (erp --help lists the commands)";
const COMMANDS = ["start", "compose", "check-schema", "migrate", "seed", "revoke-development-keys"];

const SUPERGRAPH_FILE = `${REPO_ROOT}supergraph.graphql`;
const SCHEMA_FILE = `${REPO_ROOT}schema.graphql`;

/**
 * Reads and checks the whole configuration once, before anything else: the gateway's variables and
 * every domain's settings, all problems at once; unknown ERP_* variables are warned about.
 */
function configure(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems = environmentProblems(env, settingChecks(subgraphModules()));
  for (const name of unknownErpVariables(env))
    console.warn(`warning: ${name} is set but the ERP reads no such variable (a typo?); see README, "Configuration"`);
  if (problems.length) throw new ConfigurationError(problems);
  return loadConfig(env);
}

async function start(): Promise<void> {
  const config = configure();
  const modules = subgraphModules();
  if (!cluster.isWorker) {
    // A worker shares the port its primary checked (node:cluster).
    await assertPortFree(config.port, config.host);
    if (config.metrics.port !== "off") await assertPortFree(config.metrics.port, config.host, "METRICS_PORT");
  }
  const stopTracing = startTracing(config.tracingEndpoint);
  if (await startPrimaryOfWorkers(config, modules)) return; // WORKERS > 1: the workers start the ERP
  const erp = await startErp(config, modules);
  const metrics = await startMetrics(config.metrics, config.host, erp.database);
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
      config.tracingEndpoint ? `  traces:     ${config.tracingEndpoint} (OTLP)` : "",
      metrics ? `  metrics:    ${metrics.url}${config.metrics.token ? " (METRICS_TOKEN as bearer token)" : ""}` : "",
      config.production ? "" : `  Sandbox:    open ${erp.server.url} in a browser`,
      erp.developmentToken
        ? `  dev key:    ${erp.developmentToken}\n              (every scope; send it as the X-API-Key header — Sandbox already does)`
        : "",
      "",
    ]
      .filter((line) => line !== "")
      .join("\n"),
  );
  onShutdown(async () => {
    await metrics?.stop();
    await erp.stop();
    await stopTracing?.();
  });
}

function compose(check: boolean): void {
  const config = loadConfig({ ...process.env, ERP_MODE: "split" });
  const files = [
    { file: SUPERGRAPH_FILE, sdl: `${composeSupergraph(subgraphModules(), (name) => config.subgraphUrls[name]!)}\n` },
    { file: SCHEMA_FILE, sdl: publicApiSchema(subgraphModules()) },
  ];
  for (const { file, sdl } of files) {
    const name = file.slice(REPO_ROOT.length);
    if (!check) {
      writeFileSync(file, sdl);
      console.log(`wrote ${name}`);
    } else if (!existsSync(file) || readFileSync(file, "utf8") !== sdl) {
      console.error(`${name} is stale: run \`npm run compose\` and commit the result`);
      process.exitCode = 1;
    } else console.log(`${name} is up to date`);
  }
}

/** Fails when the composed API schema breaks clients of `against` (the committed or the base branch's schema.graphql) without deprecating first. */
async function checkSchema(against: string | undefined): Promise<void> {
  const file = against ?? SCHEMA_FILE;
  const breaking = await unannouncedBreakingChanges(readFileSync(file, "utf8"), publicApiSchema(subgraphModules()));
  if (!breaking.length) return void console.log(`no breaking change against ${file}`);
  console.error(
    `${breaking.length} breaking change(s) against ${file} not deprecated first (README, "Schema changes and deprecation"):\n` +
      breaking.map((c) => `  - ${c.message}`).join("\n"),
  );
  process.exitCode = 1;
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openErpDatabase>>) => Promise<void>) {
  const database = await openErpDatabase(configure());
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

function version(): string {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return `erp ${version} (Node.js ${process.versions.node})`;
}

/** A mistake on the command line gets a one-line answer and the usage, never a stack. */
function usageError(message: string): never {
  console.error(`erp: ${message}\n${USAGE}`);
  process.exit(2);
}

function commandLine() {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        check: { type: "boolean" },
        split: { type: "boolean" },
        against: { type: "string" },
      },
    });
  } catch (error) {
    return usageError(
      error instanceof Error ? error.message.split("\n")[0]!.replace(/\. To specify.*$/, "") : String(error),
    );
  }
}

const { positionals, values } = commandLine();
const command = positionals[0];
if (command && !COMMANDS.includes(command)) usageError(`unknown command "${command}"`);
if (positionals.length > 1) usageError(`"${command}" takes no arguments, got "${positionals.slice(1).join(" ")}"`);
if (values.check && command !== "compose") usageError("--check goes with compose only");
if (values.split && command !== "start") usageError("--split goes with start only");
if (values.against && command !== "check-schema") usageError("--against goes with check-schema only");

try {
  if (values.version) console.log(version());
  else if (values.help || !command) console.log(HELP);
  else if (command === "start" && values.split)
    await (await import("./split.js")).startSplit(configure({ ...process.env, ERP_MODE: "split" }));
  else if (command === "start") await start();
  else if (command === "compose") compose(values.check ?? false);
  else if (command === "check-schema") await checkSchema(values.against);
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
} catch (error) {
  if (error instanceof StartRefused) {
    console.error(error.message);
    process.exit(2);
  }
  logger.error({ err: error }, "command failed");
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
