import type { ApolloServer } from "@apollo/server";
import { stringify } from "csv-stringify/sync";
import type { Express, Request, Response } from "express";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { cellsOf, EXPORTS } from "./export-catalogue.js";

/** Rows a list export asks the graph for at a time: the graph's largest page. */
const EXPORT_PAGE_SIZE = 100;

type Answer = Record<string, unknown>;
export type GraphResult = { data?: Answer | null; errors?: readonly GraphQLFormattedError[] };

/** Runs operations of the public graph as the caller of one HTTP request. */
export type GraphRunner = (query: string, variables: Record<string, unknown>) => Promise<GraphResult>;

/**
 * Builds a runner from the caller's request: the same authentication, context and Apollo pipeline
 * (validation, cost and rate limits, safelist, scopes checked in each subgraph) as a POST to
 * /graphql, so an export or a document is authorised exactly like the graph and reads nothing the
 * caller could not query. Throws the authentication error, like the graph would answer it.
 */
export type RunnerFactory = (req: Request) => Promise<GraphRunner>;

export function graphRunner<C extends object>(
  apollo: ApolloServer<C>,
  context: (req: Request) => Promise<C>,
): RunnerFactory {
  return async (req) => {
    const first = await context(req);
    // One HTTP request is charged to the rate limit once: its first operation, not every page.
    const later = { ...first, continuesCharged: true };
    let charged = false;
    return async (query, variables) => {
      const contextValue = charged ? later : first;
      charged = true;
      const response = await apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== "single") throw new Error("Incremental delivery is not expected here");
      return response.body.singleResult as GraphResult;
    };
  };
}

/** The HTTP status of a refused request, from the graph's error codes. */
function statusOf(errors: readonly GraphQLFormattedError[]): number {
  const codes = new Set(errors.map((e) => e.extensions?.code));
  if (codes.has("UNAUTHENTICATED")) return 401;
  if (codes.has("FORBIDDEN")) return 403;
  if (codes.has("NOT_FOUND")) return 404;
  if (codes.has("BAD_USER_INPUT") || codes.has("GRAPHQL_VALIDATION_FAILED")) return 400;
  if (codes.has("TOO_MANY_REQUESTS") || codes.has("RATE_LIMITED")) return 429;
  return 500;
}

/** Answers a refusal in the graph's own error format, with a matching HTTP status. */
export function refuseRequest(res: Response, errors: readonly GraphQLFormattedError[]): void {
  res.status(statusOf(errors)).json({ errors });
}

/** Runs `work` with the caller's runner, answering an authentication failure as the graph would. */
export async function asCaller(
  req: Request,
  res: Response,
  runners: RunnerFactory,
  work: (run: GraphRunner) => Promise<void>,
) {
  let run: GraphRunner;
  try {
    run = await runners(req);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return refuseRequest(res, [error.toJSON()]);
  }
  await work(run);
}

/** Writes a chunk and waits while the client's socket is full, so memory holds a page, never the export. */
function write(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => (res.off("drain", done), res.off("close", done), resolve());
    res.once("drain", done);
    res.once("close", done);
  });
}

/** The export's variables from the query string: only the parameters it names, each given once. */
function variablesOf(req: Request, params: readonly string[]): Record<string, unknown> | GraphQLFormattedError {
  const variables: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (!params.includes(key))
      return {
        message: `Unknown parameter ${key}; this export takes ${params.join(", ") || "none"}`,
        extensions: { code: "BAD_USER_INPUT" },
      };
    if (typeof value !== "string") return { message: `Give ${key} once`, extensions: { code: "BAD_USER_INPUT" } };
    variables[key] = value;
  }
  return variables;
}

/**
 * Streams one export as CSV: page after page of the graph, each written as soon as it is read and
 * only once the client has taken the previous one. A refusal on the first page (scope, bad
 * argument) is answered with its status; a failure after rows were sent cuts the response short,
 * so a partial file never looks complete.
 */
async function streamExport(req: Request, res: Response, name: string, run: GraphRunner): Promise<void> {
  const definition = EXPORTS[name]!;
  const variables = variablesOf(req, definition.params);
  if ("message" in variables) return refuseRequest(res, [variables as GraphQLFormattedError]);
  let after: string | null = null;
  do {
    if (res.destroyed) return;
    const result = await run(definition.query, { ...variables, first: EXPORT_PAGE_SIZE, after });
    if (result.errors?.length || !result.data) {
      if (!res.headersSent) return refuseRequest(res, result.errors ?? []);
      return void res.destroy();
    }
    if (!res.headersSent) {
      res.status(200).type("text/csv; charset=utf-8").attachment(`${name}.csv`);
      await write(res, stringify([definition.columns]));
    }
    const page = definition.rows(result.data);
    if (page.rows.length) await write(res, stringify(page.rows.map((row) => cellsOf(row, definition.columns))));
    after = page.next;
  } while (after);
  res.end();
}

/** GET /exports/{name}.csv: every main list and report of the graph as CSV, with the caller's rights. */
export function mountExports(app: Express, runners: RunnerFactory): void {
  app.get("/exports/:file", async (req, res, next) => {
    const name = /^([a-z-]+)\.csv$/.exec(req.params.file)?.[1];
    if (!name || !Object.hasOwn(EXPORTS, name))
      return refuseRequest(res, [
        {
          message: `No such export; there are ${Object.keys(EXPORTS)
            .map((n) => `${n}.csv`)
            .join(", ")}`,
          extensions: { code: "NOT_FOUND" },
        },
      ]);
    try {
      await asCaller(req, res, runners, (run) => streamExport(req, res, name, run));
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      next(error);
    }
  });
}
