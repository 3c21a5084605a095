import { readFileSync } from "node:fs";

/**
 * The fault suite's switch to make a handler fail for a while (test/faults): honoured only when NODE_ENV is "test"
 * and ERP_TEST_FAULTS_FILE names a JSON file `{ "failingHandlers": ["invoice-shipment"] }`, read on each delivery
 * so the suite can turn the fault on and off in running processes. Production never reads it.
 */
export function failIfInjected(handler: string): void {
  if (process.env.NODE_ENV !== "test" || !process.env.ERP_TEST_FAULTS_FILE) return;
  let failing: unknown;
  try {
    failing = JSON.parse(readFileSync(process.env.ERP_TEST_FAULTS_FILE, "utf8")).failingHandlers;
  } catch {
    return;
  }
  if (Array.isArray(failing) && failing.includes(handler))
    throw new Error(`Injected test fault: handler ${handler} fails until the fault suite recovers it`);
}
