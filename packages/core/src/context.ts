import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import { logger as rootLogger } from "./logger.js";

/** Who is calling: a person (JWT) or a partner (API key), with the scopes they hold. */
export interface Principal {
  subject: string;
  kind: "user" | "partner" | "system";
  roles: string[];
  scopes: string[];
}

/** Until authentication lands, every request acts as this principal, holding every scope. */
export const DEVELOPMENT_PRINCIPAL: Principal = {
  subject: "dev@erp.local",
  kind: "user",
  roles: ["admin"],
  scopes: ["*"],
};

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
}

export function hasScope(principal: Principal, scope: string): boolean {
  const [area] = scope.split(":");
  return principal.scopes.some((s) => s === "*" || s === scope || s === `${area}:*`);
}

export const HEADERS = {
  principal: "x-erp-principal",
  requestId: "x-request-id",
  gatewaySecret: "x-erp-gateway-secret",
} as const;

export function encodePrincipal(principal: Principal): string {
  return Buffer.from(JSON.stringify(principal)).toString("base64url");
}

export function decodePrincipal(value: string): Principal | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Partial<Principal>;
    if (typeof parsed.subject !== "string" || !Array.isArray(parsed.scopes) || !Array.isArray(parsed.roles)) return;
    const kind = parsed.kind === "partner" || parsed.kind === "system" ? parsed.kind : "user";
    return { subject: parsed.subject, kind, roles: parsed.roles.map(String), scopes: parsed.scopes.map(String) };
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

/** Read access check for queries; mutations report FORBIDDEN in their payload instead. */
export function assertScope(principal: Principal, scope: string): void {
  if (!hasScope(principal, scope))
    throw new GraphQLError(`This needs the scope ${scope}`, { extensions: { code: "FORBIDDEN" } });
}
