import { configDefaults, mergeConfig } from "vitest/config";
import { erpTestConfig } from "../vitest.shared.js";

// The fault suite (faults/) runs on its own: npm run test:faults.
export default mergeConfig(erpTestConfig(120_000), {
  test: { exclude: [...configDefaults.exclude, "faults/**"] },
});
