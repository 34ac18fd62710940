/**
 * flow-audit's memory. A run holds what it read (10,000 integrations are ~32 MB of JSON) and
 * allocates much short-lived garbage while reading and reporting; V8 then grows its young
 * generation to its largest size (16 MB semi-spaces on Node 20, more on later lines), which was
 * most of the peak RSS above the live heap (docs/performance.md). flow-audit keeps the young
 * generation at its initial size instead: at 10,000 integrations the peak RSS falls from
 * 190–210 MiB to about 150 MiB on Node 20, for ~5% more CPU (more, cheaper scavenges).
 *
 * `--semi-space-growth-factor` is the one V8 heap setting read when the young generation would
 * grow rather than once at start-up, so it can be set by the running process (a shebang cannot
 * pass `--max-semi-space-size` portably). It is set only on the Node.js lines it was checked on,
 * and never when the user chose a semi-space setting (NODE_OPTIONS or node's own arguments).
 */
import * as v8 from "node:v8";

/** The Node.js major versions on which the setting was checked (20, 22, 24 and 26). */
const CHECKED_MAJORS = { min: 20, max: 26 } as const;

/** The V8 setting flow-audit applies, or undefined when it leaves the heap as it is. */
export function youngGenerationFlag(nodeVersion: string, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  if (!(major >= CHECKED_MAJORS.min && major <= CHECKED_MAJORS.max)) return undefined;
  if ([...execArgv, nodeOptions ?? ""].some((a) => /semi[-_]space/.test(a))) return undefined;
  return "--semi-space-growth-factor=1";
}

/** Applies youngGenerationFlag to this process (flow-audit's executable only, never the library). */
export function keepYoungGenerationSmall(): void {
  const flag = youngGenerationFlag(process.version, process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}
