import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * Tests import sibling packages from their TypeScript sources (the
 * "@xeno86/source" export condition), not from their builds. Vitest runs
 * tests as server-side code, so the server conditions need it too.
 */
export const SOURCE_CONDITIONS = ["@xeno86/source"];

export const sharedTestConfig = defineConfig({
  resolve: { conditions: [...SOURCE_CONDITIONS, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [...SOURCE_CONDITIONS, ...defaultServerConditions] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
