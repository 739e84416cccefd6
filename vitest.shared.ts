import { defineConfig } from "vitest/config";

/** Tests import sibling packages from their TypeScript sources (the "@xeno86/source" condition). */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ["@xeno86/source"] },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
