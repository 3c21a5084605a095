export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** POSTs a body as is (string or bytes) or as JSON, and reads the answer whatever its type. */
export async function post(url: string | URL, body: unknown, headers: Record<string, string> = {}): Promise<Sent> {
  const raw = typeof body === "string" || Buffer.isBuffer(body);
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
