import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import { logger as rootLogger } from "./logger.js";

export type PrincipalKind = "person" | "partner" | "system" | "anonymous";

/**
 * Who is calling: a person (bearer JWT), a partner (API key), the system itself (jobs,
 * event handlers, seeding) or nobody (anonymous: holds no scope at all).
 */
export interface Principal {
  /** A person's subject claim, "api-key:<id>" for a partner, "system" or "anonymous". */
  subject: string;
  kind: PrincipalKind;
  roles: string[];
  scopes: string[];
  /** The API key a partner called with. */
  apiKeyId?: string;
}

export const ANONYMOUS_PRINCIPAL: Principal = { subject: "anonymous", kind: "anonymous", roles: [], scopes: [] };

export const SYSTEM_PRINCIPAL: Principal = { subject: "system", kind: "system", roles: ["system"], scopes: ["*"] };

/** What the gateway knows about one request; passed to subgraphs in-process or as headers. */
export interface RequestInfo {
  principal: Principal;
  requestId: string;
}

/** A subgraph resolver's context: the request plus this domain's database and loaders. */
export interface SubgraphContext<DB, Loaders> extends RequestInfo {
  db: Kysely<DB>;
  loaders: Loaders;
  log: Logger;
  /** The business clock: what "today" is for this request's actions and reads. */
  clock: Clock;
}

export function hasScope(principal: Principal, scope: string): boolean {
  if (principal.kind === "anonymous") return false;
  const [area] = scope.split(":");
  return principal.scopes.some((s) => s === "*" || s === scope || s === `${area}:*`);
}

export const HEADERS = {
  principal: "x-erp-principal",
  requestId: "x-request-id",
  signature: "x-erp-gateway-signature",
} as const;

const KINDS: readonly PrincipalKind[] = ["person", "partner", "system", "anonymous"];

export function encodePrincipal(principal: Principal): string {
  return Buffer.from(JSON.stringify(principal)).toString("base64url");
}

export function decodePrincipal(value: string): Principal | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Principal>;
    if (typeof parsed.subject !== "string" || !Array.isArray(parsed.scopes) || !Array.isArray(parsed.roles)) return;
    if (!parsed.kind || !KINDS.includes(parsed.kind)) return;
    const principal: Principal = {
      subject: parsed.subject,
      kind: parsed.kind,
      roles: parsed.roles.map(String),
      scopes: parsed.scopes.map(String),
    };
    if (typeof parsed.apiKeyId === "string") principal.apiKeyId = parsed.apiKeyId;
    return principal;
  } catch {
    return undefined;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Keeps a caller's request id when it is sane, else mints one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

export function requestLogger(info: RequestInfo): Logger {
  return rootLogger.child({ requestId: info.requestId, subject: info.principal.subject });
}
