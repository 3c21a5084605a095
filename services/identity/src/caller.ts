import type { Principal } from "@erp/core";

export type CallerKind = "PERSON" | "PARTNER" | "SYSTEM";

/** Who is calling, as the gateway put it in the request context. */
export interface Caller {
  subject: string;
  kind: CallerKind;
  roles: string[];
  scopes: string[];
  apiKeyId: string | null;
}

/** Null for an anonymous caller (whom @authenticated already refuses). */
export function callerOf(principal: Principal): Caller | null {
  const kind = principal.kind;
  if (kind === "anonymous") return null;
  const callerKind: CallerKind = kind === "partner" ? "PARTNER" : kind === "system" ? "SYSTEM" : "PERSON";
  return {
    subject: principal.subject,
    kind: callerKind,
    roles: principal.roles,
    scopes: principal.scopes,
    apiKeyId: callerKind === "PARTNER" ? (principal.apiKeyId ?? null) : null,
  };
}
