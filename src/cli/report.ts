import { DISPLAY_MAX } from "../api/display";
import type { InventoryRecord } from "../api/types";
import type { Finding, FindingStatus, Rule } from "../rules/types";
import type { DataProblem } from "../api/validation";
import { isDataError, isFailing, isOpen, type FailOn } from "../rules/evaluate";
import { nameOf, ruleHelpUri, vendorOf } from "../rules/util";
import type { InventoryDiff } from "../inventory/diff";
import type { BaselineEntry } from "../rules/baseline";

/**
 * The JSON report's schema version; bumped only on incompatible changes. 2: `summary.failing`
 * and `summary.passed` judge the findings at the policy's level also under --fail-on never
 * (whether the run enforces them is `summary.enforced`).
 */
export const REPORT_SCHEMA_VERSION = 2;

/** The level at which findings fail the policy: --fail-on's, or mandatory (the policy's own) when --fail-on never only stops enforcing it. */
export function policyLevel(failOn: FailOn): "mandatory" | "advisory" {
  return failOn === "never" ? "mandatory" : failOn;
}

/**
 * The run's verdict as a token: incomplete (unusable data from Flow: exit 3), failed (failing
 * findings, enforced: exit 1), failed-not-enforced (failing findings, but --fail-on never: exit
 * 0), passed-with-warnings (only findings below the policy's level open), passed.
 */
export type Verdict = "incomplete" | "failed" | "failed-not-enforced" | "passed-with-warnings" | "passed";

/** A finding that appeared or was resolved since an earlier snapshot. */
export interface FindingChange {
  ruleId: string;
  integrationId: number | null;
  subject: string | null;
  message: string;
}

/** An integration whose name or vendor key is longer than findings show (DISPLAY_MAX characters): the full values, once. */
export interface FullName {
  id: number;
  name: string;
  vendor: string;
}

/** Everything a reporter needs: the stable shape behind `--format json`. */
export interface AuditReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: "flow-audit"; version: string };
  generatedAt: string;
  source: { kind: "api" | "snapshot"; location: string };
  /**
   * The policy in force: its file, `sha256:<hex>` of that file's text, --fail-on, and the
   * baseline in force (--baseline or the policy file's `baseline:`) with `sha256:<hex>` of its
   * bytes, or null.
   */
  policy: { file: string | null; digest: string | null; failOn: FailOn; baseline: { file: string; digest: string | null } | null };
  personalDataMasked: boolean;
  summary: {
    integrations: number;
    rules: number;
    findings: Record<FindingStatus, number>;
    /**
     * Open violations and errors that fail the policy at its level (`policyLevel(failOn)`:
     * mandatory under --fail-on never), whether or not this run enforces them (`enforced`).
     */
    failing: number;
    /** Open violations and errors (not suppressed, not baselined), by their rule's enforcement. */
    open: { mandatory: number; advisory: number };
    /** Violations and errors suppressed by active exceptions. */
    suppressed: number;
    /** Violations tolerated by the baseline in force (known when it was written, evidence unchanged, not expired). */
    baselined: number;
    /** Open errors of rules that could not judge an integration because Flow sent a field they read in an unusable shape; any makes the run incomplete (exit 3). */
    dataErrors: number;
    /** Data problems in fields no enabled rule reads (listed in `warnings`). */
    warnings: number;
    /** --fail-on, as in `policy.failOn`. */
    failOn: FailOn;
    /** Whether the exit code enforces the failing findings: false under --fail-on never (unusable data still exits 3). */
    enforced: boolean;
    /** No failing finding and no data error: the integrations pass the policy (under --fail-on never too; see `enforced`). */
    passed: boolean;
    /** The verdict every format words (exit code 1 only for `failed`, 3 for `incomplete`). */
    verdict: Verdict;
  };
  /** Fields Flow sent in a shape the spec does not allow, which no enabled rule reads: reported, not failing. */
  warnings: DataProblem[];
  rules: Array<{ id: string; title: string; description: string; severity: string; enforcement: string; helpUri: string }>;
  findings: Finding[];
  /**
   * The integrations whose name or vendor key findings show cut to DISPLAY_MAX characters (with
   * "…"): their full values, once each, so the report holds every name whole exactly once.
   */
  fullNames?: FullName[];
  /** The baseline in force (--baseline, or `baseline:` in the policy file), and the one written with --write-baseline. */
  baseline?: BaselineReport;
  diff?: InventoryDiff & { against: string; findingsAppeared: FindingChange[]; findingsResolved: FindingChange[] };
}

/** What a report says about baselines: the one in force and what matched it, and the one written. */
export interface BaselineReport {
  /** The baseline in force, if any. */
  applied?: {
    file: string;
    createdAt: string;
    expires: string;
    /** True when its last day has passed: it tolerates nothing, every finding it lists fails. */
    expired: boolean;
    entries: number;
    /** Findings it tolerates (summary.baselined). */
    tolerated: number;
    /** Findings it lists whose deciding evidence changed since (they fail). */
    changed: number;
    /** Entries that match no violation any more: fixed since the baseline was written. */
    resolved: BaselineEntry[];
    /** Entries about integrations or rules this run did not evaluate (filters, disabled rules): kept as they are. */
    notEvaluated: number;
  };
  /** The baseline written with --write-baseline. */
  written?: { file: string; expires: string; entries: number; kept: number; added: number; dropped: number; notAdded: number };
}

const keyOf = (f: Finding) => `${f.ruleId}\u0000${f.integration?.id ?? ""}\u0000${f.subject ?? ""}`;
const change = (f: Finding): FindingChange => ({ ruleId: f.ruleId, integrationId: f.integration?.id ?? null, subject: f.subject ?? null, message: f.message });

/** Open findings (violations/errors not suppressed) present now but not before, and the reverse. */
export function diffFindings(before: Finding[], after: Finding[]): { findingsAppeared: FindingChange[]; findingsResolved: FindingChange[] } {
  const open = (fs: Finding[]) => new Map(fs.filter(isOpen).map((f) => [keyOf(f), f]));
  const b = open(before);
  const a = open(after);
  return {
    findingsAppeared: [...a].filter(([k]) => !b.has(k)).map(([, f]) => change(f)),
    findingsResolved: [...b].filter(([k]) => !a.has(k)).map(([, f]) => change(f)),
  };
}

/** Assembles the report from the evaluation. */
export function buildReport(input: {
  version: string;
  source: AuditReport["source"];
  policyFile: string | undefined;
  policyDigest?: string;
  /** The baseline in force, as read (its digest when read from a file). */
  policyBaseline?: { file: string; digest?: string };
  failOn: FailOn;
  personalDataMasked: boolean;
  integrations: number;
  rules: readonly Rule[];
  enforcement: (rule: Rule) => string;
  findings: Finding[];
  /** The records evaluated: names and vendor keys too long to show whole are listed once (`fullNames`). */
  records?: readonly InventoryRecord[];
  warnings?: DataProblem[];
  diff?: AuditReport["diff"];
  baseline?: BaselineReport;
  now?: Date;
}): AuditReport {
  const counts: Record<FindingStatus, number> = { ok: 0, violation: 0, "not-applicable": 0, error: 0 };
  for (const f of input.findings) counts[f.status]++;
  const failing = input.findings.filter((f) => isFailing(f, policyLevel(input.failOn))).length;
  const open = input.findings.filter(isOpen);
  const mandatory = open.filter((f) => f.enforcement === "mandatory").length;
  const enabled = input.rules.filter((r) => input.enforcement(r) !== "disabled");
  const dataErrors = input.findings.filter(isDataError).length;
  const warnings = input.warnings ?? [];
  const fullNames = fullNamesOf(input.records ?? []);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "flow-audit", version: input.version },
    generatedAt: (input.now ?? new Date()).toISOString(),
    source: input.source,
    policy: {
      file: input.policyFile ?? null,
      digest: input.policyDigest ?? null,
      failOn: input.failOn,
      baseline: input.policyBaseline ? { file: input.policyBaseline.file, digest: input.policyBaseline.digest ?? null } : null,
    },
    personalDataMasked: input.personalDataMasked,
    summary: {
      integrations: input.integrations,
      rules: enabled.length,
      findings: counts,
      failing,
      open: { mandatory, advisory: open.length - mandatory },
      suppressed: input.findings.filter((f) => f.exception?.state === "active").length,
      baselined: input.findings.filter((f) => f.baseline?.state === "active").length,
      dataErrors,
      warnings: warnings.length,
      failOn: input.failOn,
      enforced: input.failOn !== "never",
      passed: failing === 0 && dataErrors === 0,
      verdict: verdictOf(failing, dataErrors, open.length, input.failOn),
    },
    warnings,
    rules: enabled.map((r) => ({
      id: r.id,
      title: r.title,
      description: r.description,
      severity: r.severity,
      enforcement: input.enforcement(r),
      helpUri: ruleHelpUri(r.id),
    })),
    findings: input.findings,
    ...(fullNames.length ? { fullNames } : {}),
    ...(input.baseline ? { baseline: input.baseline } : {}),
    ...(input.diff ? { diff: input.diff } : {}),
  };
}

function verdictOf(failing: number, dataErrors: number, open: number, failOn: FailOn): Verdict {
  if (dataErrors > 0) return "incomplete";
  if (failing > 0) return failOn === "never" ? "failed-not-enforced" : "failed";
  return open > 0 ? "passed-with-warnings" : "passed";
}

/** The records whose name or vendor key is longer than DISPLAY_MAX: what findings show shortened. */
function fullNamesOf(records: readonly InventoryRecord[]): FullName[] {
  const out: FullName[] = [];
  for (const { integration: i } of records) {
    const name = nameOf(i);
    const vendor = vendorOf(i);
    if (name.length > DISPLAY_MAX || vendor.length > DISPLAY_MAX) out.push({ id: i.id, name, vendor });
  }
  return out;
}
