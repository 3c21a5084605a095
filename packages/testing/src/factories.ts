import { randomUUID } from "node:crypto";
import type { GraphQLClient } from "./client.js";

/** A fresh idempotency key for one intended action. */
export const newKey = (label = "test"): string => `${label}-${randomUUID()}`;

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(++counter).toString(36)}`;

async function mutate(client: GraphQLClient, query: string, input: Record<string, unknown>) {
  const result = await client.request(query, { input });
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || !payload || payload.errors?.length)
    throw new Error(`Factory mutation failed: ${JSON.stringify(result.errors ?? payload?.errors)}`);
  return payload;
}

const CUSTOMER_FIELDS = "id code name status version email";

/** Builds CRM records in one call each, through the CRM's own business actions. */
export function crmFactory(client: GraphQLClient) {
  return {
    async customer(overrides: Record<string, unknown> = {}) {
      const payload = await mutate(
        client,
        `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} } errors { code message field } } }`,
        {
          idempotencyKey: newKey("customer"),
          name: `Customer ${unique()}`,
          email: "buyer@customer.example",
          ...overrides,
        },
      );
      return payload.customer as { id: string; code: string; name: string; status: string; version: number };
    },
    async blockedCustomer(overrides: Record<string, unknown> = {}) {
      const customer = await this.customer(overrides);
      const payload = await mutate(
        client,
        `mutation($input: BlockCustomerInput!) { blockCustomer(input: $input) { customer { ${CUSTOMER_FIELDS} } errors { code message } } }`,
        { idempotencyKey: newKey("block"), customerId: customer.id, reason: "Unpaid invoices" },
      );
      return payload.customer as typeof customer;
    },
    async lead(overrides: Record<string, unknown> = {}) {
      const payload = await mutate(
        client,
        `mutation($input: CaptureLeadInput!) { captureLead(input: $input) { lead { id status version } errors { code message } } }`,
        { idempotencyKey: newKey("lead"), name: `Lead ${unique()}`, companyName: "Prospect Co", ...overrides },
      );
      return payload.lead as { id: string; status: string; version: number };
    },
    async qualifiedLead(overrides: Record<string, unknown> = {}) {
      const lead = await this.lead(overrides);
      const payload = await mutate(
        client,
        `mutation($input: QualifyLeadInput!) { qualifyLead(input: $input) { lead { id status version } errors { code message } } }`,
        { idempotencyKey: newKey("qualify"), leadId: lead.id },
      );
      return payload.lead as typeof lead;
    },
    async opportunity(overrides: Record<string, unknown> = {}) {
      const lead = await this.qualifiedLead();
      const payload = await mutate(
        client,
        `mutation($input: ConvertLeadInput!) { convertLead(input: $input) { opportunity { id stage customer { id } } errors { code message } } }`,
        {
          idempotencyKey: newKey("convert"),
          leadId: lead.id,
          opportunityTitle: "Office chairs",
          opportunityAmount: { amount: "1000.00", currency: "EUR" },
          ...overrides,
        },
      );
      return payload.opportunity as { id: string; stage: string; customer: { id: string } };
    },
  };
}

let skuCounter = 0;

/** Builds inventory records in one call each, through inventory's own business actions. */
export function inventoryFactory(client: GraphQLClient) {
  return {
    async warehouse(overrides: Record<string, unknown> = {}) {
      const payload = await mutate(
        client,
        `mutation($input: OpenWarehouseInput!) { openWarehouse(input: $input) { warehouse { id code } errors { code message field } } }`,
        {
          idempotencyKey: newKey("warehouse"),
          code: `W-${unique()}`.slice(0, 20),
          name: "Test warehouse",
          ...overrides,
        },
      );
      return payload.warehouse as { id: string; code: string };
    },
    async product(overrides: Record<string, unknown> = {}) {
      const payload = await mutate(
        client,
        `mutation($input: RegisterProductInput!) { registerProduct(input: $input) { product { id sku unitOfMeasure status type } errors { code message field } } }`,
        {
          idempotencyKey: newKey("product"),
          sku: `SKU-${unique()}-${++skuCounter}`,
          name: "Test product",
          unitOfMeasure: "PIECE",
          type: "STOCKED",
          standardCost: { amount: "10.00", currency: "EUR" },
          listPrice: { amount: "19.90", currency: "EUR" },
          ...overrides,
        },
      );
      return payload.product as { id: string; sku: string; unitOfMeasure: string; status: string; type: string };
    },
    async receive(productId: string, warehouseId: string, quantity: string, unitCost = "10.00") {
      const payload = await mutate(
        client,
        `mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { movement { id quantity } stockLevel { onHand available averageUnitCost { amount } } errors { code message field } } }`,
        {
          idempotencyKey: newKey("receive"),
          productId,
          warehouseId,
          quantity,
          unitCost: { amount: unitCost, currency: "EUR" },
        },
      );
      return payload as { movement: { id: string }; stockLevel: { onHand: string; available: string } };
    },
    /** A product with `quantity` on hand in a new (or given) warehouse. */
    async stockedProduct(
      quantity: string,
      options: { warehouseId?: string; unitCost?: string; product?: Record<string, unknown> } = {},
    ) {
      const warehouseId = options.warehouseId ?? (await this.warehouse()).id;
      const product = await this.product(options.product);
      await this.receive(product.id, warehouseId, quantity, options.unitCost);
      return { product, warehouseId };
    },
  };
}
