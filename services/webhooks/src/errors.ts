import { type NotFound, type Refuse, refusals } from "@erp/core";
import { WebhooksErrorCode } from "./generated/enums.js";

/** The webhooks domain's business error codes: the WebhooksErrorCode enum of schema.graphql, generated. */
export { WebhooksErrorCode };

const refusal = refusals(WebhooksErrorCode);
/** Refusals that accept only WebhooksErrorCodes, so a misspelt code does not compile. */
export const refuse: Refuse<WebhooksErrorCode> = refusal.refuse;
export const notFound: NotFound<WebhooksErrorCode> = refusal.notFound;
