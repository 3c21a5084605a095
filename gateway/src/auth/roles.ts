/**
 * The default role → scopes table for people signing in with a JWT. An organisation
 * replaces or extends it with AUTH_ROLE_SCOPES (JSON, same shape); see README.
 */
export const DEFAULT_ROLE_SCOPES: Record<string, string[]> = {
  admin: ["*"],
  viewer: ["crm:read", "inventory:read", "sales:read", "finance:read", "procurement:read", "hr:read"],
  sales: ["crm:read", "crm:write", "inventory:read", "sales:read", "sales:write", "finance:read"],
  warehouse: ["inventory:read", "inventory:write", "sales:read"],
  "inventory-manager": ["inventory:read", "inventory:write", "inventory:approve", "sales:read"],
  accountant: [
    "finance:read",
    "finance:post",
    "finance:payments",
    "crm:read",
    "sales:read",
    "inventory:read",
    "procurement:read",
    "hr:read",
  ],
  "finance-manager": [
    "finance:read",
    "finance:post",
    "finance:payments",
    "finance:approve",
    "finance:reconcile",
    "crm:read",
    "sales:read",
    "inventory:read",
    "procurement:read",
    "hr:read",
    "audit:read",
  ],
  operator: ["operations:read", "operations:retry", "finance:read", "finance:reconcile", "audit:read"],
  auditor: [
    "crm:read",
    "inventory:read",
    "sales:read",
    "finance:read",
    "procurement:read",
    "hr:read",
    "operations:read",
    "identity:read",
    "audit:read",
  ],
  "identity-admin": ["identity:read", "identity:admin"],
  // A person setting up a partner integration: webhook subscriptions of their own.
  integration: ["webhooks:manage"],
  buyer: ["procurement:read", "procurement:write", "inventory:read", "finance:read"],
  "procurement-manager": [
    "procurement:read",
    "procurement:write",
    "procurement:approve",
    "inventory:read",
    "finance:read",
  ],
  employee: ["hr:read"],
  "hr-officer": ["hr:read", "hr:write"],
  "hr-manager": ["hr:read", "hr:write", "hr:approve", "hr:compensation", "hr:payroll", "finance:read"],
};

/** The scopes a person's roles grant, in a stable order, each once. */
export function scopesForRoles(roles: readonly string[], table: Record<string, string[]>): string[] {
  return [...new Set(roles.flatMap((role) => table[role] ?? []))].sort();
}
