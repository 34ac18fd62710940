import type { TestProject } from "vitest/node";
// @ts-expect-error -- plain ESM script without types; its API is documented in the file.
import { ensureEngine } from "../../scripts/engine.mjs";

/** What the e2e tests need to know about the engine. */
export interface EngineInfo {
  pulumi: string;
  binDir: string;
  version: string;
  source: "path" | "cache" | "built";
}

declare module "vitest" {
  export interface ProvidedContext {
    engine: EngineInfo;
  }
}

/**
 * Global setup of the e2e project: makes the real Pulumi engine available once for all
 * workers. There is no skip: without an engine the e2e run fails with the bootstrap's
 * message, which names the ways out.
 */
export default function setup(project: TestProject): void {
  const engine = ensureEngine({ quiet: true }) as EngineInfo;
  process.stderr.write(`[e2e] Pulumi engine v${engine.version.replace(/^v/, "")} (${engine.source}): ${engine.pulumi}\n`);
  project.provide("engine", engine);
}
