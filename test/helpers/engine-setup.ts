import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { ensureEngine, type EngineInfo } from "../../tools/engine/bootstrap.mjs";
import { reapOrphans, RUN_MARKER } from "./orphans";

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
 *
 * Every process the run starts inherits a marker; the teardown fails the run if any marked
 * process outlived its parent (an orphaned language host, program or plugin), after killing it.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const engine = ensureEngine({ quiet: true, with: ["yaml", "gensdk", "go"] });
  process.stderr.write(`[e2e] Pulumi engine v${engine.version.replace(/^v/, "")} (${engine.source}): ${engine.pulumi}\n`);
  project.provide("engine", engine);
  const marker = randomBytes(6).toString("hex");
  process.env[RUN_MARKER] = marker;
  return async () => {
    const killed = await reapOrphans(process.pid, marker);
    if (killed.length > 0) throw new Error(`e2e: ${killed.length} process(es) outlived the tests and were killed:\n${killed.join("\n")}`);
  };
}
