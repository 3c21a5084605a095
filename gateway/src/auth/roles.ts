/**
 * The default role → scopes table for people signing in with a JWT. An organisation
 * replaces or extends it with AUTH_ROLE_SCOPES (JSON, same shape); see README.
 */
export const DEFAULT_ROLE_SCOPES: Record<string, string[]> = {
  admin: ["*"],
  viewer: ["crm:read", "inventory:read", "sales:read", "finance:read"],
  sales: ["crm:read", "crm:write", "inventory:read", "sales:read", "sales:write", "finance:read"],
  warehouse: ["inventory:read", "inventory:write", "sales:read"],
  "inventory-manager": ["inventory:read", "inventory:write", "inventory:approve", "sales:read"],
  accountant: ["finance:read", "finance:post", "finance:payments", "crm:read", "sales:read", "inventory:read"],
  "finance-manager": [
    "finance:read",
    "finance:post",
    "finance:payments",
    "finance:approve",
    "finance:reconcile",
    "crm:read",
    "sales:read",
    "inventory:read",
    "audit:read",
  ],
  operator: ["operations:read", "operations:retry", "finance:read", "finance:reconcile", "audit:read"],
  auditor: [
    "crm:read",
    "inventory:read",
    "sales:read",
    "finance:read",
    "operations:read",
    "identity:read",
    "audit:read",
  ],
  "identity-admin": ["identity:read", "identity:admin"],
};

/** The scopes a person's roles grant, in a stable order, each once. */
export function scopesForRoles(roles: readonly string[], table: Record<string, string[]>): string[] {
  return [...new Set(roles.flatMap((role) => table[role] ?? []))].sort();
}
