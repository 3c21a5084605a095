import { erpTestConfig } from "../vitest.shared.js";

export default erpTestConfig(120_000);
