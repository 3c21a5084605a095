import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { CheckedUrl } from "./url-safety.js";

/** How much of a response body is kept: enough to see an error message, never a whole page. */
export const EXCERPT_CHARS = 256;

export interface PostOutcome {
  statusCode: number;
  excerpt: string;
}

/**
 * POSTs to the address the URL was checked against (pinned: no second DNS lookup), never follows
 * a redirect (a 3xx is an answer like any other), and gives up after the timeout. Reads at most
 * the excerpt of the body, then drops the connection.
 */
export function postPinned(
  target: CheckedUrl,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  const lookup: LookupFunction = (_host, options, callback) => {
    const answer = { address: target.address, family: target.family };
    // Node asks for every address when it may try several families; the checked one is all there is.
    if ((options as { all?: boolean }).all) (callback as (e: null, a: (typeof answer)[]) => void)(null, [answer]);
    else callback(null, answer.address, answer.family);
  };
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target.url,
      {
        method: "POST",
        headers: { ...headers, "content-length": Buffer.byteLength(body).toString() },
        lookup,
        signal: AbortSignal.timeout(timeoutMs),
        agent: false,
      },
      (response) => {
        let excerpt = "";
        const done = () => {
          resolve({ statusCode: response.statusCode ?? 0, excerpt: excerpt.slice(0, EXCERPT_CHARS) });
          response.destroy();
        };
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          excerpt += chunk;
          if (excerpt.length >= EXCERPT_CHARS) done();
        });
        response.on("end", done);
        response.on("error", done);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
