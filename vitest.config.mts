import { availableParallelism } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Node's compile cache (Node 22.1 and later; Node 20 ignores the variable) for every process the
// tests start, set here so that vitest's workers and everything they start inherit it: a preview
// starts three Node processes (program, policy pack, dynamic provider), each loading
// @pulumi/pulumi's ~770 modules, and about half of that load is compiling them. The cache holds
// compiled code only, keyed by file and content; it lives in node_modules/.cache (a fresh install
// starts it empty). A NODE_COMPILE_CACHE of one's own, or NODE_DISABLE_COMPILE_CACHE=1, wins.
process.env.NODE_COMPILE_CACHE ??= path.join(path.dirname(fileURLToPath(import.meta.url)), "node_modules", ".cache", "pulumi-flow-tests-compile-cache");

// Three projects: `unit` (pure logic and in-process loopback servers; no child
// processes), `integration` (tools and bins run as processes: flow-audit, Prism,
// openapi-typescript, the engine bootstrap's lock), `e2e` (the real Pulumi engine).
// Timeouts are sized for a loaded two-core machine; no test asserts a speed.
// The forks pool is required: serializing a dynamic provider fails under worker threads.
export default defineConfig({
  test: {
    pool: "forks",
    // A file per core, at least two (vitest's default in a run is one fewer than the cores: one
    // on two cores, which left a core idle while a file waited on tsc, npm or a bin), and one
    // queue for all three projects (no groupOrder): vitest starts the largest files first (the
    // e2e files) and fills the gaps with the small ones. Measured on two cores, with the e2e
    // sandbox's PULUMI_SKIP_CHECKPOINTS: the whole suite 780 s → 642 s wall, 1.70 → 1.93 cores busy.
    maxWorkers: Math.max(2, availableParallelism()),
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
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
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
        },
      },
    ],
  },
});
