import { signToken, TEST_JWT_SECRET } from "@erp/testing";
import * as jose from "jose";
import { describe, expect, it, vi } from "vitest";
import { createJwtVerifier } from "../src/auth/jwt.js";

// jose itself, counted: how many signatures the verifier really checks.
vi.mock("jose", async (original) => {
  const actual = await original<typeof import("jose")>();
  return { ...actual, jwtVerify: vi.fn(actual.jwtVerify) };
});
const checks = () => vi.mocked(jose.jwtVerify).mock.calls.length;

const settings = { secret: TEST_JWT_SECRET, rolesClaim: "roles", clockToleranceSeconds: 0 };

describe("verified bearer tokens", () => {
  it("checks a token's signature once while it is valid, and each time it is refused", async () => {
    const verify = createJwtVerifier(settings);
    const token = await signToken({ sub: "ana", roles: ["sales"] });
    const before = checks();
    for (let i = 0; i < 5; i++) expect(await verify(token)).toEqual({ subject: "ana", roles: ["sales"] });
    expect(checks() - before).toBe(1);

    const forged = await signToken(
      { sub: "ana", roles: ["admin"] },
      { secret: "another-secret-long-enough-for-hs256!" },
    );
    await expect(verify(forged)).rejects.toThrow();
    await expect(verify(forged)).rejects.toThrow();
    expect(checks() - before).toBe(3);
  });

  it("refuses a remembered token once it has expired", async () => {
    const verify = createJwtVerifier(settings);
    const token = await signToken({ sub: "ben", roles: ["warehouse"] }, { expiresIn: 2 });
    expect((await verify(token)).subject).toBe("ben");
    await new Promise((r) => setTimeout(r, 2_200));
    await expect(verify(token)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  it("keeps what each token said apart: one person's token never answers as another's", async () => {
    const verify = createJwtVerifier(settings);
    const [clerk, admin] = await Promise.all([
      signToken({ sub: "clerk", roles: ["warehouse"] }),
      signToken({ sub: "boss", roles: ["admin"] }),
    ]);
    for (let i = 0; i < 3; i++) {
      expect(await verify(clerk)).toEqual({ subject: "clerk", roles: ["warehouse"] });
      expect(await verify(admin)).toEqual({ subject: "boss", roles: ["admin"] });
    }
  });
});
