import type { TestProject } from "vitest/node";
import { ensureEngine, type EngineInfo } from "../../tools/engine/bootstrap.mjs";

export type { EngineInfo };

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
  const engine = ensureEngine({ quiet: true });
  process.stderr.write(`[e2e] Pulumi engine v${engine.version.replace(/^v/, "")} (${engine.source}): ${engine.pulumi}\n`);
  project.provide("engine", engine);
}
