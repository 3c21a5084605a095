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

/** An HR employee as identity refers to one: by the subject of the signed-in person. */
export interface EmployeeReference {
  __typename: "Employee";
  userSubject: string;
}

/** Only a person (signed in with a JWT) can be an employee; partners and the system are not. */
export const employeeOf = (caller: Caller): EmployeeReference | null =>
  caller.kind === "PERSON" ? { __typename: "Employee", userSubject: caller.subject } : null;
