/**
 * Where SARIF results point. Flow's settings live in a SaaS, not in a file, so a result needs a
 * file that exists for code scanning to open: the policy file when there is one (at the
 * exception or the rule setting that concerns the finding, else line 1), otherwise a file the
 * same run wrote or read — the JSON report at the finding, the snapshot at the integration's
 * record, the snapshot evaluated, the SARIF report itself. Without any of these, results carry
 * only their logical location (the integration).
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { exceptionMatches } from "../rules/exceptions";
import type { FlowPolicy } from "../rules/types";
import type { AuditArgs, Format } from "./args";
import type { AuditReport } from "./report";
import { arrayElementLines, findingLines } from "./reporters/json";
import type { Locate } from "./reporters/sarif";
import type { Snapshot } from "./snapshot";

export type { Locate, SourceLocation } from "./reporters/sarif";

/** What the run wrote and read besides the report being rendered. */
export interface RunFiles {
  cwd: string;
  policy: FlowPolicy;
  /** `--output FORMAT=FILE` files, as given. */
  outputs: ReadonlyArray<{ format: Format; file: string }>;
  /** The snapshot written with `--snapshot-out`. */
  snapshotOut?: { file: string; snapshot: Snapshot };
  /** The snapshot evaluated with `--from-snapshot`. */
  snapshotIn?: string;
}

/** A path as a SARIF artifact URI: relative to the run's directory (percent-encoded), or a file: URI outside it. */
export function artifactUri(file: string, cwd: string): string {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(path.sep).map(encodeURIComponent).join("/");
}

/** The run's directory as a file: URI ending in `/`: the SARIF `%SRCROOT%` relative artifact URIs are relative to. */
export function srcRootUri(cwd: string): string {
  const uri = pathToFileURL(path.resolve(cwd)).href;
  return uri.endsWith("/") ? uri : `${uri}/`;
}

const lineOf = (source: string | undefined) => Number(/:(\d+)$/.exec(source ?? "")?.[1] ?? 1);

/** Results at the policy file: the line of the exception that matched, else of the rule's settings, else 1. */
function inPolicyFile(policy: FlowPolicy & { file: string }, cwd: string): Locate {
  const uri = artifactUri(policy.file, cwd);
  return (f) => {
    const x = f.exception
      ? policy.exceptions.find((e) => e.reason === f.exception!.reason && e.expires === f.exception!.expires && exceptionMatches(e, f))
      : undefined;
    return { uri, line: lineOf(x?.source ?? policy.ruleSources?.[f.ruleId]) };
  };
}

/** The 1-based line of each record (by integration id) in the file `writeSnapshot` writes. */
export function snapshotRecordLines(snapshot: Snapshot): Map<number, number> {
  const { records, ...head } = snapshot;
  // `"records": []` is the last line but one of the head written with no records.
  const opening = JSON.stringify({ ...head, records: [] }, null, 2).split("\n").length - 1;
  const lines = arrayElementLines(records, opening);
  return new Map(records.map((r, i) => [r.integration.id, lines[i]]));
}

/** The Locate for SARIF results of this run (see the module comment for the order); undefined when no file can show them. */
export function sarifLocator(report: AuditReport, run: RunFiles): Locate | undefined {
  const { policy, cwd, outputs } = run;
  if (policy.file) return inPolicyFile(policy as FlowPolicy & { file: string }, cwd);
  const json = outputs.find((o) => o.format === "json");
  if (json) {
    const uri = artifactUri(json.file, cwd);
    const lines = findingLines(report);
    return (_f, i) => ({ uri, line: lines[i] ?? 1 });
  }
  if (run.snapshotOut) {
    const uri = artifactUri(run.snapshotOut.file, cwd);
    const lines = snapshotRecordLines(run.snapshotOut.snapshot);
    return (f) => ({ uri, line: (f.integration && lines.get(f.integration.id)) || 1 });
  }
  const file = run.snapshotIn ?? outputs.find((o) => o.format === "sarif")?.file;
  if (file) {
    const uri = artifactUri(file, cwd);
    return () => ({ uri, line: 1 });
  }
  return undefined;
}

/**
 * Where SARIF results point, when a SARIF report is asked for. When no file can show them, a
 * warning (also with --quiet: it is not progress) says what to add to the run.
 */
export function sarifLocations(args: AuditArgs, report: AuditReport, run: RunFiles, say: (s: string) => void): Locate | undefined {
  if (args.format !== "sarif" && !args.outputs.some((o) => o.format === "sarif")) return undefined;
  const locate = sarifLocator(report, run);
  if (!locate && report.findings.some((f) => f.status === "violation" || f.status === "error"))
    say(
      "flow-audit: warning: the SARIF results point at no file, so code scanning has nothing to open; add --output json=FILE (each result then points at its finding there), --snapshot-out FILE or a policy file to this run (see docs/cli.md#where-sarif-results-point)",
    );
  return locate;
}
