/**
 * One contender of the benchmark, in its own process: `single` (every subgraph in the gateway's
 * process), `split` (the gateway here, each subgraph in a child process over HTTP), `floor` (no
 * gateway: the fetches the query plan makes, executed directly against the subgraph schemas) or
 * `hive` (Hive Gateway over the same subgraph processes as split).
 * Prints "READY <url>" once it serves. The benchmark reads its CPU and SQL from outside.
 */
import { type ChildProcess, spawn } from "node:child_process";
import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildSubgraph,
  createSubgraphContext,
  EventBus,
  openDatabase,
  type Principal,
  type SubgraphModule,
  signedHeaders,
} from "@erp/core";
import {
  createAuthenticator,
  DEFAULT_FETCH_LEVERS,
  type FetchLevers,
  type GatewayConfig,
  InProcessSubgraph,
  loadConfig,
  runWorkers,
  SUBGRAPHS,
  startGateway,
  subgraphModules,
  workersFrom,
} from "@erp/gateway";
import { type DocumentNode, execute, parse } from "graphql";
import { BENCH_JWT_SECRET } from "./auth.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROBE = fileURLToPath(new URL("./probe.mjs", import.meta.url));
const databaseUrl = process.env.DATABASE_URL!;
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 10);
const levers: FetchLevers = { ...DEFAULT_FETCH_LEVERS, ...JSON.parse(process.env.BENCH_LEVERS ?? "{}") };

/** The edge as the e2e harness sets it: one loopback client standing for many, nothing shed. */
export function benchConfig(overrides: Partial<GatewayConfig>): GatewayConfig {
  const base = loadConfig({ NODE_ENV: "test", AUTH_JWT_SECRET: BENCH_JWT_SECRET, ERP_DEVELOPMENT_KEY: "false" });
  const http = {
    ...base.edge.http,
    maxConcurrentPerClient: 100_000,
    maxEventLoopLagMs: 600_000,
    requestTimeoutMs: 600_000,
    queueTimeoutMs: 600_000,
  };
  const edge = { ...base.edge, http, rateLimitPerAddressPerMinute: 100_000_000 };
  return { ...base, host: "127.0.0.1", port: 0, seed: false, poolSize, edge, ...overrides };
}

async function single(): Promise<string> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: poolSize });
  const modules = subgraphModules();
  await EventBus.start(database, modules);
  const server = await startGateway({
    config: benchConfig({ mode: "single" }),
    modules,
    database,
    fetchLevers: levers,
  });
  return `http://127.0.0.1:${server.port}/graphql`;
}

async function split(): Promise<string> {
  const secret = randomBytes(16).toString("hex");
  const urls = await spawnSubgraphs(secret);
  const server = await startGateway({
    config: benchConfig({ mode: "split", gatewaySecret: secret, subgraphUrls: urls }),
    modules: subgraphModules(),
  });
  return `http://127.0.0.1:${server.port}/graphql`;
}

/** Every subgraph in its own process, one at a time (pg-boss's createQueue deadlocks between processes starting together). */
async function spawnSubgraphs(secret: string): Promise<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const { module, server } of SUBGRAPHS) urls[module.name] = await spawnSubgraph(server, secret);
  return urls;
}

/**
 * Hive Gateway (@graphql-hive/gateway-runtime, the engine of `hive-gateway`) serving the committed
 * supergraph over the same subgraph processes as `split`. It authenticates the caller as our gateway
 * does and signs each subgraph request with the headers the subgraphs demand (docs/production.md
 * names them); nothing else of our edge runs (no cost limit, rate limit or safelist). Its outbound
 * deduplication of identical in-flight subgraph requests is on, as by default; BENCH_HIVE_DEDUPE=0
 * turns it off.
 */
async function hive(): Promise<string> {
  const secret = randomBytes(16).toString("hex");
  const urls = await spawnSubgraphs(secret);
  const supergraph = readFileSync(join(REPO_ROOT, "supergraph.graphql"), "utf8").replace(
    /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
    (_, name: string) => `@join__graph(name: "${name}", url: "${urls[name]}")`,
  );
  const authenticate = createAuthenticator(benchConfig({}).auth, undefined);
  let requests = 0;
  const signatures = new Map<string, { second: number; headers: Promise<Record<string, string>> }>();
  // Imported by name at run time: graphql-yoga's and Apollo Server's type augmentations of GraphQL
  // errors' `http` extension disagree, and one compilation cannot hold both.
  const hiveRuntime: string = "@graphql-hive/gateway-runtime";
  const hiveTransport: string = "@graphql-mesh/transport-http";
  const { createGatewayRuntime } = (await import(hiveRuntime)) as {
    createGatewayRuntime: (config: object) => Parameters<typeof createServer>[1];
  };
  const { default: httpTransport } = (await import(hiveTransport)) as { default: unknown };
  process.env.LOG_LEVEL = "error"; // Hive's logger reads it and knows no "silent"; ours has read it already.
  const runtime = createGatewayRuntime({
    supergraph,
    logging: false,
    landingPage: false,
    graphiql: false,
    maskedErrors: false,
    // Hive would send its own x-request-id to subgraphs; ours is part of the signature.
    requestId: false,
    transports: { http: httpTransport },
    transportEntries: { "*": { options: { deduplicateInflightRequests: process.env.BENCH_HIVE_DEDUPE !== "0" } } },
    propagateHeaders: {
      // One signature per caller and second: Hive's deduplication keys on the headers, and ours shares
      // in-flight fetches of one principal, so identical requests of one caller may meet here too.
      fromClientToSubgraphs: ({ request }: { request: Request }) => {
        const credentials = request.headers.get("authorization") ?? "";
        const second = Math.floor(Date.now() / 1000);
        let signed = signatures.get(credentials);
        if (!signed || signed.second !== second) {
          const headers = authenticate({ header: (name: string) => request.headers.get(name) ?? undefined }).then(
            ({ principal }) => signedHeaders(secret, { principal, requestId: `hive-${++requests}` }),
          );
          signed = { second, headers };
          signatures.set(credentials, signed);
        }
        return signed.headers;
      },
    },
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}/graphql`;
}

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const child of children) child.kill();
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));

function spawnSubgraph(server: string, secret: string): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", PROBE, join(REPO_ROOT, server)], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      GATEWAY_SECRET: secret,
      LOG_LEVEL: "silent",
      REQUEST_TIMEOUT_MS: "600000",
      QUEUE_TIMEOUT_MS: "600000",
      // Eight processes, each with its pool, beside the other contenders: under PostgreSQL's 100.
      DATABASE_POOL_SIZE: String(Math.max(2, Math.floor(poolSize / 2))),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.once("exit", (code) => reject(new Error(`${server} exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+\/)/.exec(output);
      if (found) resolve(`${found[1]}graphql`);
    });
  });
}

/** A fetch the query plan made, and the stage of the plan it ran in. */
interface RecordedFetch {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
  stage: number;
}

/**
 * The floor: each operation is sent once through an in-process gateway that records the fetches its
 * plan makes; from then on the floor executes those fetches itself, stage by stage, from parsed
 * documents against the subgraph schemas, with no gateway, no validation and no result merging.
 */
async function floor(): Promise<string> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: poolSize });
  const modules = subgraphModules();
  // The saga is the domains', not the gateway's: the floor delivers its events as one process does.
  await EventBus.start(database, modules);
  const schemas = new Map(modules.map((m) => [m.name, buildSubgraph(m)]));
  const byName = new Map(modules.map((m) => [m.name, m]));
  // Patched before the gateway builds its data sources: the metrics and tracing wrappers bind
  // `process` when they wrap a source, so a later patch would record nothing.
  let recording: { fetches: RecordedFetch[]; done: number; principal?: Principal } | undefined;
  const process_ = InProcessSubgraph.prototype.process;
  InProcessSubgraph.prototype.process = async function recorded(options) {
    const log = recording;
    const context = "context" in options ? (options.context as { principal?: Principal }) : undefined;
    if (!log || !context?.principal) return process_.call(this, options);
    log.principal = context.principal;
    const entry = {
      subgraph: (this as unknown as { module: SubgraphModule }).module.name,
      query: options.request.query!,
      variables: options.request.variables ?? {},
      stage: log.done,
    };
    log.fetches.push(entry);
    try {
      return await process_.call(this, options);
    } finally {
      log.done++;
    }
  };
  const gateway = await startGateway({
    config: benchConfig({ mode: "single" }),
    modules,
    database,
    fetchLevers: { cachedDocuments: false, dedupeRepresentations: false, dedupeInFlight: false },
  });
  const gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
  const plans = new Map<string, Promise<{ fetches: RecordedFetch[]; principal: Principal }>>();
  const documents = new Map<string, DocumentNode>();
  let queue = Promise.resolve();
  const record = (body: string, headers: Record<string, string>) => {
    const recorded = queue.then(async () => {
      recording = { fetches: [], done: 0 };
      try {
        await fetch(gatewayUrl, { method: "POST", headers, body });
        return { fetches: recording.fetches, principal: recording.principal! };
      } finally {
        recording = undefined;
      }
    });
    queue = recorded.then(() => undefined);
    return recorded;
  };
  const documentOf = (query: string) => {
    const document = documents.get(query) ?? parse(query);
    documents.set(query, document);
    return document;
  };
  /** One subgraph context (and set of DataLoaders) per request and subgraph, as the gateway keeps. */
  type Contexts = Map<string, object>;
  const contextOf = (contexts: Contexts, subgraph: string, principal: Principal, requestId: string) => {
    const context =
      contexts.get(subgraph) ?? createSubgraphContext(byName.get(subgraph)!, database.db, { principal, requestId });
    contexts.set(subgraph, context);
    return context;
  };
  const run = (
    fetch: RecordedFetch,
    variables: Record<string, unknown>,
    principal: Principal,
    id: string,
    contexts: Contexts,
  ) => {
    const own = Object.fromEntries(Object.keys(fetch.variables).map((k) => [k, variables[k] ?? fetch.variables[k]]));
    return execute({
      schema: schemas.get(fetch.subgraph)!,
      document: documentOf(fetch.query),
      variableValues: own,
      contextValue: contextOf(contexts, fetch.subgraph, principal, id),
    });
  };
  let requests = 0;
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const { query, variables = {} } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    let plan = plans.get(query);
    if (!plan) {
      const headers = { "content-type": "application/json", authorization: req.headers.authorization ?? "" };
      plan = record(body, headers);
      plans.set(query, plan);
    }
    const { fetches, principal } = await plan;
    if (!fetches.length) {
      // Nothing recorded means nothing measured: an error, never an empty answer counted as fast.
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: "the floor recorded no subgraph fetch for this operation" }] }));
      return;
    }
    const id = `floor-${++requests}`;
    const contexts: Contexts = new Map();
    const stages = [...new Set(fetches.map((f) => f.stage))].sort((a, b) => a - b);
    let data: Record<string, unknown> = {};
    for (const stage of stages) {
      const results = await Promise.all(
        fetches.filter((f) => f.stage === stage).map((f) => run(f, variables, principal, id, contexts)),
      );
      if (stage === stages[0]) for (const r of results) data = { ...data, ...(r.data as object) };
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}/graphql`;
}

/** One process forked into WORKERS workers on one port (gateway/src/cluster.ts), each as `single`. */
async function clustered(): Promise<string | undefined> {
  const workers = workersFrom();
  const role = await runWorkers(workers, async () => {});
  if (role === "worker") {
    process.send!({ ready: await single() });
    return undefined;
  }
  const urls = await Promise.all(
    Object.values(cluster.workers ?? {}).map(
      (w) => new Promise<string>((resolve) => w!.once("message", (m: { ready: string }) => resolve(m.ready))),
    ),
  );
  return urls[0];
}

const mode = process.argv[2];
const start = { single, split, floor, hive, cluster: clustered }[
  mode as "single" | "split" | "floor" | "hive" | "cluster"
];
if (!start) throw new Error(`contender must be single, split, floor, hive or cluster, not ${mode}`);
const url = await start();
if (url) console.log(`READY ${url}`);
