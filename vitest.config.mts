import { defineConfig } from "vitest/config";

// Three projects, in order: `unit` (pure logic and in-process loopback servers; no child
// processes), `integration` (tools and bins run as processes: flow-audit, Prism,
// openapi-typescript, the engine bootstrap's lock), `e2e` (the real Pulumi engine).
// Timeouts are sized for a loaded two-core machine; no test asserts a speed.
// The forks pool is required: serializing a dynamic provider fails under worker threads.
export default defineConfig({
  test: {
    pool: "forks",
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // The HTML report's page script, bundled from its sources (renderHtml embeds it).
          globalSetup: ["test/helpers/page-setup.ts"],
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/helpers/engine-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
