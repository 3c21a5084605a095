import { mergeConfig } from "vitest/config";
import { erpTestConfig } from "../../vitest.shared.js";

/** The fault suite (npm run test:faults): PostgreSQL, processes killed and restarted; minutes, not hours. */
export default mergeConfig(erpTestConfig(900_000), {
  test: { include: ["faults/**/*.test.ts"], fileParallelism: false },
});
