/**
 * The baseline's lifecycle in a run: the one in force (--baseline or the policy file's), what it
 * tolerated, and rewriting it (--write-baseline, --baseline-expires, --baseline-grow).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { InventoryRecord } from "../api/types";
import { readBaseline, writeBaseline } from "../config/baseline-file";
import { baselineExpired, baselineScope, compareBaseline, rewriteBaseline, type Baseline, type BaselineEntry } from "../rules/baseline";
import { enabledRules } from "../rules/evaluate";
import { rules } from "../rules/index";
import type { Finding, FlowPolicy } from "../rules/types";
import { UsageError, type AuditArgs } from "./args";
import type { Say } from "./io";
import type { AuditReport, BaselineReport } from "./report";
import { count } from "./terminal";

/** The policy with the baseline given with --baseline in force (instead of the policy file's). */
export function withBaselineOption(policy: FlowPolicy, args: AuditArgs, cwd: string): FlowPolicy {
  return args.baseline ? { ...policy, baseline: readBaseline(path.resolve(cwd, args.baseline), args.baseline) } : policy;
}

/**
 * The baseline --write-baseline rewrites: the one in force (--baseline or the policy file's),
 * else the file it names when that exists; undefined for a new baseline, which needs an expiry.
 * Checked before the read, so that a mistake costs no API calls.
 */
export function baselineToRewrite(args: AuditArgs, policy: FlowPolicy, cwd: string, now: Date): Baseline | undefined {
  const file = path.resolve(cwd, args.writeBaseline!);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--write-baseline ${args.writeBaseline}: is a directory`);
  if (args.baselineExpires && baselineExpired({ expires: args.baselineExpires }, now))
    throw new UsageError(`--baseline-expires ${args.baselineExpires} is in the past; a baseline applies through its last day (UTC)`);
  const earlier = policy.baseline ?? (fs.existsSync(file) ? readBaseline(file, args.writeBaseline) : undefined);
  if (!earlier && !args.baselineExpires)
    throw new UsageError(
      `--write-baseline ${args.writeBaseline}: a new baseline needs --baseline-expires YYYY-MM-DD (a baseline that never expires only collects findings; choose the day by which they should be fixed)`,
    );
  return earlier;
}

/** Which baseline entries this run evaluated (see baselineScope): with --vendor/--id, only the integrations read. */
export function inScope(args: AuditArgs, policy: FlowPolicy, records: InventoryRecord[], findings: readonly Finding[]): (e: BaselineEntry) => boolean {
  const filtered = args.vendors.length > 0 || args.ids.length > 0;
  return baselineScope({
    enabledRules: new Set(enabledRules(policy, rules).map((r) => r.id)),
    findings,
    integrations: filtered ? new Set(records.map((r) => r.integration.id)) : undefined,
    subjects: !filtered,
  });
}

/** What the baseline in force tolerated in this run, for the report. */
export function appliedBaseline(
  b: Baseline,
  findings: readonly Finding[],
  evaluated: (e: BaselineEntry) => boolean,
  now: Date,
): NonNullable<BaselineReport["applied"]> {
  return {
    file: b.file,
    createdAt: b.createdAt,
    expires: b.expires,
    expired: baselineExpired(b, now),
    entries: b.entries.length,
    ...compareBaseline(b, findings, evaluated),
  };
}

/** Writes the rewritten (or new) baseline and adds what was written to the report. */
export function saveBaseline(
  args: AuditArgs,
  report: AuditReport,
  earlier: Baseline | undefined,
  evaluated: (e: BaselineEntry) => boolean,
  cwd: string,
  now: Date,
  say: Say,
): AuditReport {
  const next = rewriteBaseline({
    file: args.writeBaseline!,
    earlier,
    findings: report.findings,
    evaluated,
    grow: args.baselineGrow,
    expires: args.baselineExpires,
    now,
  });
  try {
    writeBaseline(path.resolve(cwd, args.writeBaseline!), next.baseline);
  } catch (e) {
    throw new UsageError(`--write-baseline ${args.writeBaseline}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const written = {
    file: args.writeBaseline!,
    expires: next.baseline.expires,
    entries: next.baseline.entries.length,
    kept: next.kept,
    added: next.added,
    dropped: next.dropped,
    notAdded: next.notAdded,
  };
  const changes = earlier
    ? `${count(written.kept, "entry", "entries")} kept, ${written.dropped} dropped (fixed or changed), ${written.added} added` +
      (written.notAdded ? `; ${count(written.notAdded, "new finding")} not added (a baseline only shrinks; --baseline-grow adds them)` : "")
    : "a new baseline";
  say(`flow-audit: wrote ${args.writeBaseline}: ${count(written.entries, "baselined finding")}, expires ${written.expires} (${changes})`);
  if (baselineExpired(next.baseline, now))
    say(
      `flow-audit: warning: ${args.writeBaseline} expired on ${next.baseline.expires}: it tolerates nothing; give --baseline-expires a later day to renew it`,
    );
  return { ...report, baseline: { ...report.baseline, written } };
}
