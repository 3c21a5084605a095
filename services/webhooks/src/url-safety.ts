import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { loopbackAllowed } from "./config.js";

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Never a partner's endpoint: loopback, private, link-local, shared, reserved, multicast, unspecified. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, "ipv6");

const family = (address: string) => (isIP(address) === 6 ? "ipv6" : "ipv4");

/** IPv4 written inside IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is (a BlockList would match a mapped subnet against every IPv4 address). */
const unmapped = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

function refusedAddress(address: string): string | null {
  const a = unmapped(address);
  if (loopbackAllowed() && LOOPBACK.check(a, family(a))) return null;
  return NOT_PUBLIC.check(a, family(a)) ? `${a} is not a public address` : null;
}

/** Where a delivery may go: the URL and the address it resolved to, pinned for the request. */
export interface CheckedUrl {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class UnsafeUrl extends Error {}

/**
 * Parses a partner's URL and resolves its host; refuses anything but https (http too when
 * loopback is allowed), credentials in the URL, and any host with a non-public address. Run at
 * creation and before each delivery, whose request then goes to the address checked here, so a
 * DNS answer that changes in between (rebinding) cannot reach an internal service.
 */
export async function checkUrl(raw: string): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrl("The URL is not a valid absolute URL");
  }
  const insecureOk = loopbackAllowed();
  if (url.protocol !== "https:" && !(insecureOk && url.protocol === "http:"))
    throw new UnsafeUrl(insecureOk ? "The URL must use https or http" : "The URL must use https");
  if (url.username || url.password) throw new UnsafeUrl("The URL must not carry credentials");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    throw new UnsafeUrl(`The host ${host} does not resolve`);
  }
  if (!addresses.length) throw new UnsafeUrl(`The host ${host} does not resolve`);
  // Every address must be public: a resolver may hand out any of them.
  for (const { address } of addresses) {
    const refused = refusedAddress(address);
    if (refused) throw new UnsafeUrl(`The host ${host} resolves to ${refused}`);
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
