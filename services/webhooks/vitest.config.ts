import { erpTestConfig } from "../../vitest.shared.js";

export default erpTestConfig();
