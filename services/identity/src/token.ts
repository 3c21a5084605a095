import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters carry 43 × log2(62) ≈ 256 bits. */
const SECRET_LENGTH = 43;
const PREFIX_LENGTH = 8;
const TOKEN = /^erp_([A-Za-z0-9]{8})_([A-Za-z0-9]{43})$/;

/** Uniform random base62: bytes ≥ 248 are dropped so no character is likelier than another. */
function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface NewToken {
  /** The whole token the partner keeps: erp_<prefix>_<secret>. */
  token: string;
  prefix: string;
  /** Hex SHA-256 of the secret part, the only form stored. */
  hash: string;
}

/** A plain hash suffices: the secret has full entropy, so there is nothing to brute-force. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newToken(prefix = randomBase62(PREFIX_LENGTH)): NewToken {
  const secret = randomBase62(SECRET_LENGTH);
  return { token: `erp_${prefix}_${secret}`, prefix, hash: hashSecret(secret) };
}

/** Splits a token into its prefix and secret; undefined when it is not shaped like one. */
export function parseToken(token: string): { prefix: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** Constant-time comparison of two hex hashes of equal length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
