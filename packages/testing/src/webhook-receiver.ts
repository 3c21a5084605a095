import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request a test endpoint received. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What an endpoint answers to its nth request (1-based): a status, after an optional pause. */
export type Behaviour = (n: number) => { status: number; delayMs?: number };

/**
 * A partner's endpoint on loopback: it records every request, answers per path as the test says
 * (200 by default), and checks signatures with the Standard Webhooks verifier.
 */
export async function startWebhookReceiver() {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const open = new Map<string, number>();
  const mostOpen = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    // Requests open at once per path, until answered or dropped by the sender.
    const key = req.url ?? "/";
    open.set(key, (open.get(key) ?? 0) + 1);
    mostOpen.set(key, Math.max(mostOpen.get(key) ?? 0, open.get(key)!));
    res.on("close", () => open.set(key, open.get(key)! - 1));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "/";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    received.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
    const n = received.filter((r) => r.path === path).length;
    const { status, delayMs } = behaviours.get(path)?.(n) ?? { status: 200 };
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    if (!res.destroyed)
      res.writeHead(status, { "content-type": "text/plain" }).end(`answer ${status} ${"x".repeat(1000)}`);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    behave: (path: string, behaviour: Behaviour) => behaviours.set(path, behaviour),
    at,
    /** The most requests `path` had open at once. */
    mostOpenAtOnce: (path: string) => mostOpen.get(path) ?? 0,
    /** Waits until `path` has received `count` requests (or fails the test after the timeout). */
    async waitFor(path: string, count: number, timeoutMs = 20_000): Promise<Received[]> {
      const deadline = Date.now() + timeoutMs;
      while (at(path).length < count) {
        if (Date.now() > deadline) throw new Error(`${path} received ${at(path).length} of ${count} requests`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return at(path);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** The body, verified with the subscription's secret as a receiver would: throws on a bad signature. */
export function verifiedWebhook(secret: string, request: Received): { type: string; timestamp: string; data: any } {
  return new Webhook(secret).verify(request.body, request.headers) as { type: string; timestamp: string; data: any };
}
