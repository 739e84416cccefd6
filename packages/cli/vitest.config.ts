import { defineConfig, mergeConfig } from "vitest/config";
import { sharedTestConfig } from "../../vitest.shared";

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // The Linux tests boot one machine and run commands on it in order.
      sequence: { concurrent: false },
    },
  }),
);
