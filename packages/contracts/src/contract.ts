import { z } from "zod";

/**
 * One event a domain sends to the others: declared once here, emitted only by its source
 * domain, and parsed against its payload schema before any handler sees it.
 */
export interface EventContract<Type extends string = string, Payload extends z.ZodTypeAny = z.ZodTypeAny> {
  /** A past-tense fact, "<domain>.<aggregate>.<what happened>", e.g. "sales.order.confirmed". */
  readonly type: Type;
  /** Raised when a payload changes in a way its consumers must know about. */
  readonly version: number;
  /** The only domain that may emit it. */
  readonly source: string;
  /** What the outbox row's aggregate id names, e.g. "SalesOrder". */
  readonly aggregateType: string;
  readonly payload: Payload;
}

/** The payload as a handler receives it, after the schema parsed it. */
export type EventPayload<C extends EventContract> = z.output<C["payload"]>;

/** The payload as an emitter writes it. */
export type EventPayloadInput<C extends EventContract> = z.input<C["payload"]>;

/** Declares a contract, keeping its literal type and its schema's type for emitters and handlers. */
export const defineEvent = <const Type extends string, Payload extends z.ZodTypeAny>(
  contract: EventContract<Type, Payload>,
): EventContract<Type, Payload> => contract;

/** An exact decimal, written as a string so no float ever rounds it: "1234.50". */
export const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'Expected a decimal string such as "12.50"');

/** Money as every payload carries it: a decimal string and its ISO 4217 currency. */
export const money = z.object({
  amount: decimal,
  currency: z.string().regex(/^[A-Z]{3}$/, "Expected an ISO 4217 code"),
});

export const entityId = z.string().min(1);

/** Which document an event or a reservation refers to, e.g. { type: "SalesOrder", id }. */
export const documentReference = z.object({ type: z.string().min(1), id: entityId });

/** Why something was refused: a code a program can branch on, a message a person can read. */
export const reason = z.object({ code: z.string().regex(/^[A-Z][A-Z0-9_]*$/), message: z.string() });

export type Money = z.infer<typeof money>;
export type Reason = z.infer<typeof reason>;
