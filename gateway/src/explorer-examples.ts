/** One operation the explorers open with. */
export interface Example {
  title: string;
  document: string;
  variables?: Record<string, unknown>;
}

/** Examples of the domains that declare none of their own (crm, sales and procurement do). */
const DOMAIN_EXAMPLES: Record<string, Example> = {
  webhooks: {
    title: "Webhooks: the public events and your subscriptions",
    document: `# The events a partner can subscribe to, and the subscriptions of the key calling (webhooks:manage).
query WebhookCatalogue {
  webhookEventTypes { type version description }
  webhookSubscriptions(first: 10) {
    nodes { id url status eventTypes failingSince }
  }
}
`,
  },
  inventory: {
    title: "Inventory: products and stock",
    document: `# Products with their stock in every warehouse.
query ProductsAndStock {
  products(first: 10) {
    nodes {
      sku
      name
      totalAvailable
      listPrice { amount currency }
      stockLevels { warehouse { code name } onHand reserved available }
    }
  }
}
`,
  },
  finance: {
    title: "Finance: statements and open invoices",
    document: `# This year's profit and loss and today's balance sheet, from the ledger, with the latest invoices.
query FinancialPosition($from: Date!, $to: Date!) {
  profitAndLoss(from: $from, to: $to) {
    currencies { currency totalRevenue { amount } totalExpenses { amount } result { amount } }
  }
  balanceSheet {
    currencies { currency totalAssets { amount } totalLiabilities { amount } totalEquity { amount } currentResult { amount } }
  }
  invoices(first: 5) {
    nodes { number status issuedOn dueOn total { amount currency } balanceDue { amount } }
  }
}
`,
    variables: { from: `${new Date().getUTCFullYear()}-01-01`, to: `${new Date().getUTCFullYear()}-12-31` },
  },
  identity: {
    title: "Identity: who am I",
    document: `# Who the gateway takes you for: subject, roles and scopes of your token or API key.
query WhoAmI {
  me { subject kind roles scopes }
}
`,
  },
  hr: {
    title: "HR: employees",
    document: `# Employees with their department and manager.
query Employees {
  employees(first: 10) {
    nodes { number name jobTitle status department { name } manager { name } }
  }
}
`,
  },
  operations: {
    title: "Operations: failed event deliveries",
    document: `# Domain events whose delivery failed and waits for an operator.
query FailedEvents {
  failedEvents { id eventType handler attempts error failedAt }
}
`,
  },
};

/** A partner's order to cash, one step per operation: run them in order, pasting the ids each returns. */
const PARTNER_FLOW: Example = {
  title: "Partner flow: place, confirm, ship, invoice, pay",
  document: `# A partner's order to cash. Run the operations top to bottom; each mutation takes an
# idempotencyKey, so a retried call never places, ships or pays twice.

# 1. Place an order (DRAFT): prices and totals are fixed.
mutation PlaceOrder($customerId: ID!, $warehouseId: ID!, $productId: ID!) {
  placeSalesOrder(input: {
    idempotencyKey: "partner-order-1", customerId: $customerId, warehouseId: $warehouseId,
    currency: "EUR", lines: [{ productId: $productId, quantity: "2" }]
  }) {
    salesOrder { id number status total { amount currency } lines { id } }
    errors { code field message }
  }
}

# 2. Confirm it: the answer is PENDING_CONFIRMATION while inventory reserves and finance checks
#    credit; poll the order (step 3) until it is CONFIRMED or REJECTED.
mutation ConfirmOrder($salesOrderId: ID!) {
  confirmSalesOrder(input: { idempotencyKey: "partner-confirm-1", salesOrderId: $salesOrderId }) {
    salesOrder { id status }
    errors { code field message }
  }
}

# 3. Follow the order: its status, then its invoice once it has shipped.
query FollowOrder($salesOrderId: ID!) {
  salesOrder(id: $salesOrderId) {
    number status statusReason
    invoices { id number status total { amount currency } balanceDue { amount } }
  }
}

# 4. Ship what was ordered; finance invoices the shipment on its own.
mutation ShipOrder($salesOrderId: ID!, $orderLineId: ID!) {
  shipSalesOrder(input: {
    idempotencyKey: "partner-ship-1", salesOrderId: $salesOrderId,
    lines: [{ orderLineId: $orderLineId, quantity: "2" }]
  }) {
    shipment { number }
    errors { code field message }
  }
}

# 5. Pay: the payment is allocated to the oldest open invoices (run FollowOrder for the invoice).
mutation PayInvoice($customerId: ID!) {
  recordPayment(input: {
    idempotencyKey: "partner-pay-1", customerId: $customerId,
    amount: { amount: "100.00", currency: "EUR" }, method: BANK_TRANSFER, externalReference: "BANK-REF-1"
  }) {
    payment { id amount { amount currency } unallocated { amount } allocations { invoice { number status } amount { amount } } }
    errors { code field message }
  }
}
`,
  variables: { customerId: "", warehouseId: "", productId: "", salesOrderId: "", orderLineId: "" },
};

/** The explorers' examples: one per domain of the graph (its own where it declares one), then the partner flow. */
export function explorerExamples(modules: { name: string; exampleOperation?: string }[]): Example[] {
  const perDomain = modules.flatMap((m): Example[] => {
    if (m.exampleOperation) return [{ title: m.name, document: m.exampleOperation }];
    const example = DOMAIN_EXAMPLES[m.name];
    return example ? [example] : [];
  });
  return [...perDomain, PARTNER_FLOW];
}
