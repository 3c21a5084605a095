/** What the benchmark asks of the graph: the reads and writes of issue 15, as GraphQL documents. */

/** 50 orders with their lines, customer, product, stock and invoice status: sales, CRM, inventory, finance. */
export const ORDER_LIST = `query OrderList($first: Int!) {
  salesOrders(first: $first) {
    nodes {
      number status placedAt
      total { amount currency }
      customer { code name }
      lines { lineNumber sku quantity netAmount { amount } product { name totalAvailable } }
      invoices { number status }
      amountPaid { amount }
    }
  }
}`;

/** One customer with balance, open invoices and recent orders: CRM, finance, sales, inventory. */
export const CUSTOMER_OVERVIEW = `query CustomerOverview($id: ID!) {
  customer(id: $id) {
    code name status
    balance { amount currency }
    openInvoices { number status dueOn total { amount } }
    orders(first: 10) { nodes { number status total { amount } lines { sku product { name } } } }
  }
}`;

/** One subgraph only: a page of customers from CRM. */
export const CUSTOMER_LIST = `query CustomerList {
  customers(first: 50) { nodes { id code name status email } }
}`;

export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceSalesOrderInput!) {
  placeSalesOrder(input: $input) { salesOrder { id number status } errors { code message } }
}`;

export const CONFIRM_ORDER = `mutation ConfirmOrder($input: ConfirmSalesOrderInput!) {
  confirmSalesOrder(input: $input) { salesOrder { id status } errors { code message } }
}`;

export const RECORD_PAYMENT = `mutation RecordPayment($input: RecordPaymentInput!) {
  recordPayment(input: $input) { payment { id } errors { code message } }
}`;

export type ScenarioName = "orderList" | "customerOverview" | "customerList" | "placeAndConfirm" | "recordPayment";

export const SCENARIOS: ScenarioName[] = [
  "orderList",
  "customerOverview",
  "customerList",
  "placeAndConfirm",
  "recordPayment",
];

export const READS: Partial<Record<ScenarioName, { query: string; variables: (f: Fixtures) => object }>> = {
  orderList: { query: ORDER_LIST, variables: () => ({ first: 50 }) },
  customerOverview: { query: CUSTOMER_OVERVIEW, variables: (f) => ({ id: f.busyCustomer }) },
  customerList: { query: CUSTOMER_LIST, variables: () => ({}) },
};

/** Ids the load needs, read from the seeded data. */
export interface Fixtures {
  /** The customer with the most orders: the overview shows it. */
  busyCustomer: string;
  customers: string[];
  products: string[];
  warehouses: string[];
}
