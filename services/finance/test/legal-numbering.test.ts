import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Database, migrateDomain, openDatabase, sql } from "@erp/core";
import {
  createMigratedDatabase,
  deliverEvent,
  newKey,
  subgraphClient,
  testClock,
  testDatabaseKind,
} from "@erp/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { finance } from "../src/index.js";
import { migrations } from "../src/migrations/index.js";
import { useFinance } from "./harness.js";

const env = useFinance();
const year = () => env.clock.today().slice(0, 4);
const issue = `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { number journalEntry { number } } errors { code } } }`;
const line = (description = "Consulting") => ({ description, quantity: "1", unitPrice: "100.00", taxRate: "19" });

async function customer(deliver = env.deliver): Promise<string> {
  const customerId = randomUUID();
  await deliver("crm.customer.registered", { customerId, code: "C-1", name: "Buyer AG", status: "ACTIVE", version: 1 });
  return customerId;
}

/** The trailing counter of `PREFIX-YEAR-000042`, checked to be of the given prefix and year. */
function counterOf(number: string, prefix: string, inYear: string): number {
  const match = new RegExp(`^${prefix}-${inYear}-(\\d{6})$`).exec(number);
  if (!match) throw new Error(`${number} is not a ${prefix} number of ${inYear}`);
  return Number(match[1]);
}

/** Numbers of a table in the order they were written, as counters: they must run 1, 2, 3… */
async function countersInWriteOrder(db: Database["db"], table: string, prefix: string, inYear: string) {
  const { rows } = await sql<{ number: string }>`select number from ${sql.table(table)} order by seq`.execute(db);
  return rows.map((r) => counterOf(r.number, prefix, inYear));
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Makes an invoice line described FAIL crash its transaction after the numbers were taken. */
async function failLinesDescribedFail(db: Database["db"]) {
  await sql`create or replace function finance.fail_test_line() returns trigger language plpgsql as $$
    begin if new.description = 'FAIL' then raise exception 'injected failure'; end if; return new; end $$`.execute(db);
  await sql`create trigger fail_test_line before insert on finance.invoice_lines
    for each row execute function finance.fail_test_line()`.execute(db);
}

describe("legal numbering of invoices and journal entries", () => {
  it("numbers 50 concurrent issues without a gap, in commit order, when some fail before and after taking a number", async () => {
    const buyer = await customer();
    await failLinesDescribedFail(env.database.db);
    const outcomes = await Promise.all(
      oneTo(50).map((i) =>
        env.client.request(issue, {
          i: {
            idempotencyKey: newKey(),
            // Every fifth crashes after numbering (rolled back); every seventh names no known customer.
            customerId: i % 7 === 0 ? randomUUID() : buyer,
            currency: "EUR",
            lines: [line(i % 5 === 0 ? "FAIL" : "Consulting")],
          },
        }),
      ),
    );
    const issued = outcomes.filter((o) => o.data?.issueInvoice?.invoice).length;
    const failed = 50 - issued;
    expect(failed).toBe(10 + 7 - 1); // 5·7 = 35 is both
    const invoices = await countersInWriteOrder(env.database.db, "finance.invoices", "INV", year());
    expect(invoices).toEqual(oneTo(issued));
    expect(await countersInWriteOrder(env.database.db, "finance.journal_entries", "JE", year())).toEqual(oneTo(issued));
    // The next issue carries on from the last committed number.
    const next = await env.client.request(issue, {
      i: { idempotencyKey: newKey(), customerId: buyer, currency: "EUR", lines: [line()] },
    });
    expect(counterOf(next.data.issueInvoice.invoice.number, "INV", year())).toBe(issued + 1);
  });

  it("restarts each series at 1 in a new year and takes prefixes from the settings", async () => {
    const buyer = await customer();
    const nextYear = String(Number(year()) + 1);
    process.env.INVOICE_NUMBER_PREFIX = "RE";
    onTestFinished(() => {
      delete process.env.INVOICE_NUMBER_PREFIX;
      env.clock.set(new Date());
    });
    env.clock.set(new Date(`${nextYear}-01-02T09:00:00Z`));
    const { data } = await env.client.request(issue, {
      i: { idempotencyKey: newKey(), customerId: buyer, currency: "EUR", lines: [line()] },
    });
    expect(data.issueInvoice.invoice.number).toBe(`RE-${nextYear}-000001`);
    expect(data.issueInvoice.invoice.journalEntry.number).toBe(`JE-${nextYear}-000001`);
  });
});

describe("numbers issued before gapless numbering", () => {
  it("carry on: the migration seeds each year's counter from the highest number issued", async () => {
    const database = await createMigratedDatabase([]);
    onTestFinished(() => database.close());
    const { "0013_legal_numbering": _, ...before } = migrations;
    await migrateDomain(database.db, "finance", before);
    const clock = testClock();
    const today = clock.today();
    await sql`insert into finance.invoices (number, customer_id, currency, issued_on, due_on, subtotal, tax_total, total)
      values ('INV-000041', gen_random_uuid(), 'EUR', ${today}, ${today}, 1, 0, 1),
             ('INV-000042', gen_random_uuid(), 'EUR', ${today}, ${today}, 1, 0, 1)`.execute(database.db);
    await migrateDomain(database.db, "finance", migrations);
    const client = subgraphClient(finance, database.db, undefined, clock);
    const buyer = await customer((type, payload) => deliverEvent(database.db, finance, type, payload, clock));
    const { data } = await client.request(issue, {
      i: { idempotencyKey: newKey(), customerId: buyer, currency: "EUR", lines: [line()] },
    });
    expect(data.issueInvoice.invoice.number).toBe(`INV-${today.slice(0, 4)}-000043`);
  });
});

const KILLED_CHILD = fileURLToPath(new URL("./fixtures/issue-invoices-until-killed.ts", import.meta.url));

/** Runs the child issuer until it has printed `atLeast` numbers, then SIGKILLs it mid-load. */
function issueUntilKilled(target: string, customerId: string, atLeast: number): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", KILLED_CHILD, target, customerId], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const printed: string[] = [];
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      printed.push(...chunk.split("\n").filter(Boolean));
      if (printed.length >= atLeast) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve(printed) : reject(new Error(`the issuer stopped by itself (${_code})`)),
    );
  });
}

describe("an unclean stop", () => {
  it("leaves no gap: a process SIGKILLed while issuing, then the next issue follows the last committed number", async () => {
    let target: string;
    let reopen: () => Promise<Database>;
    if (testDatabaseKind() === "postgres") {
      const database = await createMigratedDatabase([finance]);
      onTestFinished(() => database.close());
      target = database.url!;
      reopen = async () => database;
    } else {
      const folder = mkdtempSync(join(tmpdir(), "erp-numbering-"));
      onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
      const dataDir = join(folder, "pgdata");
      const database = await openDatabase({ dataDir });
      await migrateDomain(database.db, "finance", migrations);
      await database.close();
      target = dataDir;
      reopen = () => openDatabase({ dataDir });
    }
    const setup = await reopen();
    const buyer = await customer((type, payload) => deliverEvent(setup.db, finance, type, payload));
    if (testDatabaseKind() === "pglite") await setup.close();
    const printed = await issueUntilKilled(target, buyer, 20);
    const database = await reopen();
    if (testDatabaseKind() === "pglite") onTestFinished(() => database.close());
    const inYear = new Date().toISOString().slice(0, 4);
    const committed = await countersInWriteOrder(database.db, "finance.invoices", "INV", inYear);
    expect(committed.length).toBeGreaterThanOrEqual(printed.length);
    expect(committed).toEqual(oneTo(committed.length));
    const client = subgraphClient(finance, database.db);
    const { data } = await client.request(issue, {
      i: { idempotencyKey: newKey(), customerId: buyer, currency: "EUR", lines: [line()] },
    });
    expect(counterOf(data.issueInvoice.invoice.number, "INV", inYear)).toBe(committed.length + 1);
  }, 120_000);
});
