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
 *
 * Once the read is complete, the bin runs one full garbage collection (fullCollection). The
 * read leaves more garbage than live data (at 10,000 integrations ~38 MB of response bodies and
 * parsed pages beside ~31 MB of records); without it the peak came while the evaluation, which
 * adds ~32 MB of findings, made V8 collect (and compact) that heap: 158–190 MiB in runs of one
 * build at 10,000 integrations on Node 20, 145–156 MiB with the collection, which takes ~25 ms.
 * V8 has no API for it without `--expose-gc`; the flag, set at run time, exposes `gc` to a
 * context created then, and is turned off again at once.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";

/** The Node.js major versions on which the setting was checked (20, 22, 24 and 26). */
const CHECKED_MAJORS = { min: 20, max: 26 } as const;

function checkedLine(nodeVersion: string): boolean {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion)?.[1]);
  return major >= CHECKED_MAJORS.min && major <= CHECKED_MAJORS.max;
}

/** The V8 setting flow-audit applies, or undefined when it leaves the heap as it is. */
export function youngGenerationFlag(nodeVersion: string, execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  if (!checkedLine(nodeVersion)) return undefined;
  if ([...execArgv, nodeOptions ?? ""].some((a) => /semi[-_]space/.test(a))) return undefined;
  return "--semi-space-growth-factor=1";
}

/** Applies youngGenerationFlag to this process (flow-audit's executable only, never the library). */
export function keepYoungGenerationSmall(): void {
  const flag = youngGenerationFlag(process.version, process.execArgv, process.env.NODE_OPTIONS);
  if (flag) v8.setFlagsFromString(flag);
}

/**
 * A function that runs a full garbage collection: the `gc` node exposes under `--expose-gc`, or
 * on the checked lines one obtained without it (see above); undefined elsewhere.
 */
export function fullCollection(nodeVersion: string = process.version): (() => void) | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return () => void (exposed as () => unknown)();
  if (!checkedLine(nodeVersion)) return undefined;
  v8.setFlagsFromString("--expose-gc");
  try {
    const gc: unknown = vm.runInNewContext("gc");
    return typeof gc === "function" ? () => void (gc as () => unknown)() : undefined;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}
