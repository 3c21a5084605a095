import { AsyncLocalStorage } from "node:async_hooks";
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from "express";
import { EdgeErrorCode } from "./errors.js";
import { logger } from "./logger.js";

/** What every GraphQL HTTP server (gateway and split-mode subgraphs) allows one request. */
export interface HttpLimits {
  /** Largest request body, in bytes (after decompression). */
  bodyLimitBytes: number;
  /** A request still running after this is cancelled and answered REQUEST_TIMEOUT. */
  requestTimeoutMs: number;
  /** GraphQL requests executed at once; /health and /ready never count. */
  maxConcurrentRequests: number;
  /** GraphQL requests one client address may have in flight or waiting; beyond, SERVER_BUSY at once. */
  maxConcurrentPerClient: number;
  /** Requests allowed to wait for a slot; beyond, SERVER_BUSY at once. */
  maxQueuedRequests: number;
  /** When the event loop has not turned for this long, new requests get SERVER_BUSY at once. */
  maxEventLoopLagMs: number;
  /** How long a request may wait for a slot before SERVER_BUSY. */
  queueTimeoutMs: number;
  /** Express "trust proxy": whether X-Forwarded-For names the client (behind a load balancer). */
  trustProxy: boolean | number;
}

const positive = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function httpLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const proxy = env.TRUST_PROXY;
  return {
    bodyLimitBytes: positive(env.BODY_LIMIT_BYTES, 1_048_576),
    requestTimeoutMs: positive(env.REQUEST_TIMEOUT_MS, 10_000),
    maxConcurrentRequests: positive(env.MAX_CONCURRENT_REQUESTS, 32),
    maxConcurrentPerClient: positive(env.MAX_CONCURRENT_PER_CLIENT, 16),
    maxQueuedRequests: positive(env.MAX_QUEUED_REQUESTS, 64),
    queueTimeoutMs: positive(env.QUEUE_TIMEOUT_MS, 2_000),
    // A loop busy this long is already late for everyone: new work is refused, not queued.
    maxEventLoopLagMs: positive(env.MAX_EVENT_LOOP_LAG_MS, 1_000),
    trustProxy: proxy === "true" ? true : proxy && Number.isInteger(Number(proxy)) ? Number(proxy) : false,
  };
}

/**
 * A split-mode subgraph server has one client, the gateway: no per-client cap and no
 * lag shedding there (the gateway sheds at the edge); the time budget and body limit stay.
 */
export function subgraphServerLimits(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const edge = httpLimitsFromEnv(env);
  return {
    ...edge,
    maxConcurrentRequests: edge.maxConcurrentRequests * 4,
    maxConcurrentPerClient: Number.POSITIVE_INFINITY,
    maxQueuedRequests: edge.maxQueuedRequests * 4,
    maxEventLoopLagMs: Number.POSITIVE_INFINITY,
  };
}

/** What the edge knows about the request being served, wherever the code runs (resolvers, fetchers). */
export interface RequestScope {
  /** Aborted when the request's time budget runs out or its client goes away. */
  signal: AbortSignal;
  clientAddress: string;
  /** When the budget runs out (ms since epoch); checked between SQL statements too. */
  deadline: number;
  /** Cancels the request now and answers REQUEST_TIMEOUT. */
  expire(): void;
}

const scope = new AsyncLocalStorage<RequestScope>();

export function currentRequestScope(): RequestScope | undefined {
  return scope.getStore();
}

/** Answers in GraphQL's shape, so clients handle every refusal the same way. */
export function sendGraphQLError(
  res: Response,
  status: number,
  message: string,
  extensions: { code: string } & Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res
    .status(status)
    .set(headers)
    .json({ errors: [{ message, extensions }] });
}

/** Reads JSON bodies (gzip and deflate too) up to the limit. */
export function jsonBody(limits: HttpLimits): RequestHandler {
  return express.json({ limit: limits.bodyLimitBytes });
}

const BODY_ERRORS: Record<string, string> = {
  "entity.too.large": "The request body is larger than the limit",
  "entity.parse.failed": "The request body is not valid JSON",
  "charset.unsupported": "The request body's charset is not supported; send UTF-8",
  "encoding.unsupported": "The request body's content encoding is not supported; send gzip, deflate or none",
  "request.aborted": "The request was aborted",
  "request.size.invalid": "The request body's length does not match its Content-Length",
};

/**
 * The last handler: body-parser and anything unexpected answer JSON without stack or paths.
 * Express's own handler would answer an HTML page with the stack outside production.
 */
export function jsonErrorHandler(limits: HttpLimits): ErrorRequestHandler {
  return (error: { status?: number; type?: string; code?: string }, req, res, _next) => {
    if (res.headersSent) return;
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 413) {
      sendGraphQLError(res, 413, `${BODY_ERRORS["entity.too.large"]} of ${limits.bodyLimitBytes} bytes`, {
        code: EdgeErrorCode.PAYLOAD_TOO_LARGE,
        limitBytes: limits.bodyLimitBytes,
      });
    } else if (status < 500) {
      const message =
        BODY_ERRORS[error.type ?? ""] ??
        (error.code?.startsWith("Z_") ? "The request body is not valid gzip or deflate" : "Bad request");
      sendGraphQLError(res, status, message, { code: "BAD_REQUEST" });
    } else {
      logger.error({ err: error, path: req.path }, "unexpected error in the HTTP layer");
      sendGraphQLError(res, 500, "Internal server error", { code: "INTERNAL_SERVER_ERROR" });
    }
  };
}

/**
 * Gives the request a time budget: when it runs out, everything listening to the request's
 * signal stops (subgraph fetches, further SQL) and the client gets REQUEST_TIMEOUT.
 */
export function timeBudget(limits: HttpLimits): RequestHandler {
  const ms = limits.requestTimeoutMs;
  return (req, res, next) => {
    const controller = new AbortController();
    const expire = () => {
      if (!controller.signal.aborted) controller.abort(new Error(`request exceeded its ${ms} ms budget`));
      if (res.headersSent) return;
      sendGraphQLError(
        res,
        504,
        `The request did not finish within ${ms} ms and was cancelled`,
        { code: EdgeErrorCode.REQUEST_TIMEOUT, timeoutMs: ms },
        { connection: "close" },
      );
      ignoreLateWrites(res);
    };
    // The timer covers waits (subgraph calls); busy work that never yields is caught between statements.
    const timer = setTimeout(expire, ms);
    res.once("close", () => {
      clearTimeout(timer);
      // The client went away before its answer: stop working for nobody.
      if (!res.writableFinished) controller.abort(new Error("client closed the connection"));
    });
    const deadline = Date.now() + ms;
    scope.run({ signal: controller.signal, clientAddress: req.ip ?? "unknown", deadline, expire }, next);
  };
}

/** The cancelled request's handler may still try to answer: that must not break the connection. */
function ignoreLateWrites(res: Response): void {
  const ignore = () => res;
  Object.assign(res, {
    setHeader: ignore,
    writeHead: ignore,
    status: ignore,
    set: ignore,
    write: () => true,
    end: ignore,
  });
}

export interface LoadShedder extends RequestHandler {
  stats(): { active: number; queued: number; shed: number };
}

/**
 * Caps GraphQL requests in flight, with a short queue; beyond, SERVER_BUSY with Retry-After
 * at once, so a flood cannot starve the event loop that /health, /ready and others share.
 */
export function loadShedder(limits: HttpLimits): LoadShedder {
  let active = 0;
  let shed = 0;
  // In flight or waiting, per client address: one client cannot take every slot.
  const perClient = new Map<string, number>();
  // In-process work (PGlite, planning) runs without yielding: many requests read in one turn of
  // the event loop would run back to back. A heartbeat tells how long the loop has been busy.
  let lastTurn = Date.now();
  // No heartbeat where lag shedding is off (split-mode subgraph servers).
  if (Number.isFinite(limits.maxEventLoopLagMs))
    setInterval(() => {
      lastTurn = Date.now();
    }, 10).unref();
  const queue: Array<() => void> = [];
  const release = () => {
    active--;
    while (active < limits.maxConcurrentRequests && queue.length) queue.shift()!();
  };
  const refuse = (res: Response, why: string) => {
    shed++;
    sendGraphQLError(
      res,
      503,
      `The server is busy (${why}); retry in a second`,
      { code: EdgeErrorCode.SERVER_BUSY, retryAfterSeconds: 1 },
      { "retry-after": "1" },
    );
  };
  const admit = (res: Response, next: () => void) => {
    active++;
    res.once("close", release);
    next();
  };
  const handler: RequestHandler = (req, res, next) => {
    if (Date.now() - lastTurn > limits.maxEventLoopLagMs) return refuse(res, "overloaded");
    const client = req.ip ?? "unknown";
    const held = perClient.get(client) ?? 0;
    if (held >= limits.maxConcurrentPerClient) return refuse(res, "too many requests of yours in flight");
    perClient.set(client, held + 1);
    res.once("close", () => {
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    });
    if (active < limits.maxConcurrentRequests) return admit(res, next);
    if (queue.length >= limits.maxQueuedRequests) return refuse(res, "queue full");
    const waiter = () => {
      clearTimeout(timer);
      // A client that gave up while waiting takes no slot.
      if (!res.destroyed) admit(res, next);
    };
    const timer = setTimeout(() => {
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
      refuse(res, "waited too long for a slot");
    }, limits.queueTimeoutMs);
    queue.push(waiter);
  };
  return Object.assign(handler, { stats: () => ({ active, queued: queue.length, shed }) });
}
