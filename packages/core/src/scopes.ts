/**
 * Every scope a principal can hold, with what it allows. A principal may also hold "*"
 * (everything) or "<area>:*" (everything in one area).
 */
export const SCOPES = {
  "crm:read": "Read customers, contacts, leads, opportunities and activities",
  "crm:write": "Register and change customers, leads, opportunities and activities",
  "inventory:read": "Read products, warehouses, stock levels and movements",
  "inventory:write": "Receive, transfer, adjust and reserve stock; manage products and warehouses",
  "inventory:approve": "Approve stock adjustments above the approval threshold",
  "sales:read": "Read quotes, sales orders and shipments",
  "sales:write": "Quote, place, confirm, ship and cancel sales orders",
  "finance:read": "Read the ledger, invoices, payments, balances and aging",
  "finance:post": "Post journal entries, invoices and credit notes",
  "finance:payments": "Record, allocate and refund payments",
  "finance:approve": "Approve credit lines and other finance decisions needing a second person",
  "finance:reconcile": "Run reconciliation and resolve its alerts",
  "procurement:read": "Read suppliers, supplier prices, purchase orders, goods receipts and supplier bills",
  "procurement:write": "Register suppliers, set prices, draft and submit purchase orders, receive goods, record bills",
  "procurement:approve": "Approve or reject purchase orders above the approval threshold; release bills on hold",
  "hr:read": "Read departments, employees (without compensation), leave and payroll runs",
  "hr:write": "Open departments, hire, transfer and terminate employees, define leave types, request leave",
  "hr:approve": "Approve or reject any employee's leave (managers approve their own reports' leave without it)",
  "hr:compensation": "Read and change employees' compensation",
  "hr:payroll": "Prepare, approve and post payroll runs",
  "operations:read": "Read dead-lettered event deliveries",
  "operations:retry": "Send dead-lettered events again",
  "identity:read": "Read API keys and persisted operations (never their secrets)",
  "identity:admin": "Issue, rotate and revoke API keys; manage persisted operations",
  "audit:read": "Read the audit trail",
  "webhooks:manage": "Subscribe to public events and manage one's own webhook subscriptions, deliveries and replays",
} as const satisfies Readonly<Record<string, string>>;

export type Scope = keyof typeof SCOPES;

const AREAS = new Set(Object.keys(SCOPES).map((scope) => scope.split(":")[0]!));

/** True for a catalogued scope, "*", or "<area>:*" for a known area. */
export function isKnownScope(scope: string): boolean {
  if (scope === "*" || Object.hasOwn(SCOPES, scope)) return true;
  const match = /^([a-z]+):\*$/.exec(scope);
  return match !== null && AREAS.has(match[1]!);
}
