import { randomUUID } from "node:crypto";

/** How one answer looked to a client. */
export type Outcome = "success" | "business-error" | "retryable" | "network" | "timeout" | "malformed";

/** What a retryable answer may say: the edge's codes, the masked internal error, a gateway that lost a subgraph. */
const RETRYABLE = new Set([
  "INTERNAL_SERVER_ERROR",
  "REQUEST_TIMEOUT",
  "SERVER_BUSY",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "DOWNSTREAM_SERVICE_ERROR",
  "SUBREQUEST_HTTP_ERROR",
]);

export interface Tally {
  requests: number;
  retries: number;
  outcomes: Record<Outcome, number>;
  /** Error codes of retryable answers, and samples of malformed ones, for the summary. */
  codes: Record<string, number>;
  malformed: string[];
}

export const newTally = (): Tally => ({
  requests: 0,
  retries: 0,
  outcomes: { success: 0, "business-error": 0, retryable: 0, network: 0, timeout: 0, malformed: 0 },
  codes: {},
  malformed: [],
});

/** A partner's client: one idempotency key per intended action, reused on every retry of it. */
export class RetryingClient {
  constructor(
    private readonly url: () => string,
    private readonly headers: Record<string, string>,
    readonly tally: Tally,
    private readonly timeoutMs = 30_000,
    private readonly attempts = 12,
  ) {}

  /** A mutation's payload (the first field of data), retried with the same key until it is answered. */
  async act(mutation: string, input: Record<string, unknown>): Promise<{ key: string; payload: any } | undefined> {
    const key = randomUUID();
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) this.tally.retries++;
      const answer = await this.once(mutation, { i: { idempotencyKey: key, ...input } });
      if (answer.outcome === "success" || answer.outcome === "business-error") return { key, payload: answer.payload };
      await sleep(Math.min(250 * 2 ** attempt, 4_000));
    }
    return undefined;
  }

  /** A query's data, retried until answered; undefined when it never was. */
  async read(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) this.tally.retries++;
      const answer = await this.once(query, variables);
      if (answer.outcome === "success") return answer.data;
      await sleep(Math.min(250 * 2 ** attempt, 4_000));
    }
    return undefined;
  }

  private async once(query: string, variables: Record<string, unknown>) {
    this.tally.requests++;
    const outcome = (o: Outcome, extra: { payload?: any; data?: any; note?: string } = {}) => {
      this.tally.outcomes[o]++;
      if (o === "malformed" && this.tally.malformed.length < 10) this.tally.malformed.push(extra.note ?? "");
      return { outcome: o, ...extra };
    };
    let response: Response;
    try {
      response = await fetch(this.url(), {
        method: "POST",
        headers: { "content-type": "application/json", ...this.headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return outcome((error as Error).name === "TimeoutError" ? "timeout" : "network");
    }
    let body: any;
    try {
      body = await response.json();
    } catch (error) {
      return outcome((error as Error).name === "TimeoutError" ? "timeout" : "malformed", {
        note: `HTTP ${response.status}, not JSON`,
      });
    }
    if (body?.errors?.length) {
      const codes: string[] = body.errors.map((e: any) => e?.extensions?.code);
      if (codes.every((c) => typeof c === "string")) {
        for (const c of codes) this.tally.codes[c] = (this.tally.codes[c] ?? 0) + 1;
        if (codes.some((c) => RETRYABLE.has(c))) return outcome("retryable");
      }
      return outcome("malformed", { note: JSON.stringify(body.errors).slice(0, 300) });
    }
    const data = body?.data;
    if (!data || typeof data !== "object") return outcome("malformed", { note: JSON.stringify(body).slice(0, 300) });
    const payload = Object.values(data)[0] as any;
    if (payload && Array.isArray(payload.errors) && payload.errors.length) {
      for (const e of payload.errors) this.tally.codes[e.code] = (this.tally.codes[e.code] ?? 0) + 1;
      return outcome("business-error", { payload, data });
    }
    return outcome("success", { payload, data });
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
