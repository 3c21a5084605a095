/**
 * What the gateway exports as CSV: each main list and each report, as a GraphQL operation of the
 * public graph and the columns read from its answer. Lists page with `first`/`after`; reports
 * take their arguments from the query string and answer in one page.
 */

/** A value in a GraphQL answer, read by a dotted path such as `total.amount`. */
type Answer = Record<string, unknown>;

export interface ExportDefinition {
  /** The operation; a list's takes `$first: Int!` and `$after: String`. */
  query: string;
  /** Query-string parameters the operation takes as variables (GraphQL checks their types). */
  params: readonly string[];
  /** Column headers, each a dotted path into a row. */
  columns: readonly string[];
  /** The rows of one answer and, for a list, the cursor of the next page (null on the last). */
  rows(data: Answer): { rows: Answer[]; next: string | null };
}

const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, key) => (v == null ? v : (v as Answer)[key]), value);

/** A connection's nodes and the cursor of its next page; an absent connection (null parent) has none. */
function connectionRows(page: unknown): { rows: Answer[]; next: string | null } {
  if (page == null) return { rows: [], next: null };
  const { edges, pageInfo } = page as {
    edges: { node: Answer }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
  return { rows: edges.map((e) => e.node), next: pageInfo.hasNextPage ? pageInfo.endCursor : null };
}

/** A connection of the graph exported page by page; `selection` reads each node. */
function list(field: string, selection: string, columns: string[]): ExportDefinition {
  return {
    query: `query Export($first: Int!, $after: String) {
      page: ${field}(first: $first, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } }
    }`,
    params: [],
    columns,
    rows: (data) => connectionRows(data.page),
  };
}

/** A report answered in one page; `flatten` turns its answer into rows. */
function report(
  query: string,
  params: string[],
  columns: string[],
  flatten: (data: Answer) => Answer[],
): ExportDefinition {
  return { query, params, columns, rows: (data) => ({ rows: flatten(data), next: null }) };
}

const MONEY = "{ amount currency }";
const AGING = `{ current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } }`;
const AGING_COLUMNS = [
  "currency",
  "buckets.current.amount",
  "buckets.days1To30.amount",
  "buckets.days31To60.amount",
  "buckets.days61To90.amount",
  "buckets.over90.amount",
  "total.amount",
];
const STATEMENT_LINE = `{ account { code name } amount { amount } }`;
const SALES_REPORT = `rows { name code currency orderCount quantity netAmount { amount } taxAmount { amount } }`;
const SALES_COLUMNS = ["name", "code", "currency", "orderCount", "quantity", "netAmount.amount", "taxAmount.amount"];

/** Statement lines of each currency and section, as rows `currency, section, account…, amount`. */
function statementRows(currencies: unknown, sections: string[]): Answer[] {
  return (currencies as Answer[]).flatMap((c) =>
    sections.flatMap((section) => (c[section] as Answer[]).map((line) => ({ currency: c.currency, section, ...line }))),
  );
}

export const EXPORTS: Record<string, ExportDefinition> = {
  // Main lists, newest first as the graph lists them.
  invoices: list(
    "invoices",
    `number status issuedOn dueOn customer { id } subtotal ${MONEY} taxTotal ${MONEY} total ${MONEY} balanceDue ${MONEY}`,
    [
      "number",
      "status",
      "issuedOn",
      "dueOn",
      "total.currency",
      "customer.id",
      "subtotal.amount",
      "taxTotal.amount",
      "total.amount",
      "balanceDue.amount",
    ],
  ),
  "journal-entries": list("journalEntries", "number entryDate description postedBy postedAt", [
    "number",
    "entryDate",
    "description",
    "postedBy",
    "postedAt",
  ]),
  payables: list(
    "payables",
    `supplierName supplierInvoiceNumber billDate dueDate status total ${MONEY} amountPaid ${MONEY} outstanding ${MONEY}`,
    [
      "supplierName",
      "supplierInvoiceNumber",
      "billDate",
      "dueDate",
      "status",
      "total.currency",
      "total.amount",
      "amountPaid.amount",
      "outstanding.amount",
    ],
  ),
  "sales-orders": list(
    "salesOrders",
    `number status placedAt currency customer { id } subtotal ${MONEY} taxTotal ${MONEY} total ${MONEY}`,
    ["number", "status", "placedAt", "currency", "customer.id", "subtotal.amount", "taxTotal.amount", "total.amount"],
  ),
  quotes: list("quotes", `number status currency validUntil customer { id } total ${MONEY}`, [
    "number",
    "status",
    "currency",
    "validUntil",
    "customer.id",
    "total.amount",
  ]),
  customers: list("customers", "code name status taxId email phone", [
    "code",
    "name",
    "status",
    "taxId",
    "email",
    "phone",
  ]),
  products: list("products", `sku name type status unitOfMeasure listPrice ${MONEY} standardCost ${MONEY}`, [
    "sku",
    "name",
    "type",
    "status",
    "unitOfMeasure",
    "listPrice.currency",
    "listPrice.amount",
    "standardCost.amount",
  ]),
  "stock-movements": list(
    "stockMovements",
    `kind occurredAt product { id sku } warehouse { id code } quantity unitCost ${MONEY} reasonCode recordedBy`,
    [
      "occurredAt",
      "kind",
      "product.sku",
      "warehouse.code",
      "quantity",
      "unitCost.amount",
      "unitCost.currency",
      "reasonCode",
      "recordedBy",
    ],
  ),
  suppliers: list("suppliers", "code name status currency paymentTermsDays", [
    "code",
    "name",
    "status",
    "currency",
    "paymentTermsDays",
  ]),
  "purchase-orders": list(
    "purchaseOrders",
    `number status currency supplier { id } total ${MONEY} createdAt approvedAt`,
    ["number", "status", "currency", "supplier.id", "total.amount", "createdAt", "approvedAt"],
  ),
  employees: list("employees", "number name workEmail jobTitle hireDate employmentType status", [
    "number",
    "name",
    "workEmail",
    "jobTitle",
    "hireDate",
    "employmentType",
    "status",
  ]),
  // Reports.
  "trial-balance": report(
    `query Export($asOf: Date) { trialBalance(asOf: $asOf) { rows { account { code name type } debit ${MONEY} credit ${MONEY} balance { amount } } } }`,
    ["asOf"],
    [
      "account.code",
      "account.name",
      "account.type",
      "debit.currency",
      "debit.amount",
      "credit.amount",
      "balance.amount",
    ],
    (data) => at(data, "trialBalance.rows") as Answer[],
  ),
  "profit-and-loss": report(
    `query Export($from: Date!, $to: Date!) { profitAndLoss(from: $from, to: $to) { currencies { currency revenue ${STATEMENT_LINE} expenses ${STATEMENT_LINE} } } }`,
    ["from", "to"],
    ["currency", "section", "account.code", "account.name", "amount.amount"],
    (data) => statementRows(at(data, "profitAndLoss.currencies"), ["revenue", "expenses"]),
  ),
  "balance-sheet": report(
    `query Export($asOf: Date) { balanceSheet(asOf: $asOf) { currencies { currency assets ${STATEMENT_LINE} liabilities ${STATEMENT_LINE} equity ${STATEMENT_LINE} currentResult { amount } } } }`,
    ["asOf"],
    ["currency", "section", "account.code", "account.name", "amount.amount"],
    (data) =>
      (at(data, "balanceSheet.currencies") as Answer[]).flatMap((c) => [
        ...statementRows([c], ["assets", "liabilities", "equity"]),
        { currency: c.currency, section: "currentResult", amount: c.currentResult },
      ]),
  ),
  "receivables-aging": report(
    `query Export { receivablesAging { customers { customerName customer { id } currency buckets ${AGING} total { amount } } } }`,
    [],
    ["customerName", "customer.id", ...AGING_COLUMNS],
    (data) => at(data, "receivablesAging.customers") as Answer[],
  ),
  "payables-aging": report(
    `query Export($asOf: Date) { apAging(asOf: $asOf) { suppliers { supplierName supplier { id } currency buckets ${AGING} total { amount } } } }`,
    ["asOf"],
    ["supplierName", "supplier.id", ...AGING_COLUMNS],
    (data) => at(data, "apAging.suppliers") as Answer[],
  ),
  "sales-by-customer": report(
    `query Export($from: Date!, $to: Date!) { salesByCustomer(from: $from, to: $to) { ${SALES_REPORT} } }`,
    ["from", "to"],
    SALES_COLUMNS,
    (data) => at(data, "salesByCustomer.rows") as Answer[],
  ),
  "sales-by-product": report(
    `query Export($from: Date!, $to: Date!) { salesByProduct(from: $from, to: $to) { ${SALES_REPORT} } }`,
    ["from", "to"],
    SALES_COLUMNS,
    (data) => at(data, "salesByProduct.rows") as Answer[],
  ),
  "product-stock-movements": {
    query: `query Export($productId: ID!, $warehouseId: ID, $from: Date!, $to: Date!, $first: Int!, $after: String) {
      report: productStockMovements(productId: $productId, warehouseId: $warehouseId, from: $from, to: $to) {
        page: movements(first: $first, after: $after) {
          edges { node { occurredAt kind warehouse { code } quantity unitCost { amount currency } reasonCode recordedBy } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }`,
    params: ["productId", "warehouseId", "from", "to"],
    columns: [
      "occurredAt",
      "kind",
      "warehouse.code",
      "quantity",
      "unitCost.amount",
      "unitCost.currency",
      "reasonCode",
      "recordedBy",
    ],
    rows: (data) => connectionRows(at(data, "report.page")),
  },
};

/** A row's cells in the order of the columns: text as is, absent values empty. */
export const cellsOf = (row: Answer, columns: readonly string[]): unknown[] => columns.map((c) => at(row, c) ?? "");
