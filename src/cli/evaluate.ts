/** Evaluating what was read (and the diff against an earlier snapshot) into the report every format renders. */
import { packageVersion } from "../api/version";
import { diffInventories } from "../inventory/diff";
import { evaluateInventory, inventoryProblems, ruleSettings, unreadDataProblems } from "../rules/evaluate";
import { rules } from "../rules/index";
import type { FlowPolicy } from "../rules/types";
import type { AuditArgs } from "./args";
import { appliedBaseline, inScope } from "./baseline";
import { asThisRun } from "./filters";
import type { ReadResult } from "./read";
import { buildReport, diffFindings, type AuditReport } from "./report";
import type { Snapshot } from "./snapshot";

const VERSION = packageVersion();

/** The report of this run: findings, data warnings, the diff (--diff-against) and what the baseline in force tolerated. */
export function evaluate(args: AuditArgs, policy: FlowPolicy, read: Omit<ReadResult, "notes">, before: Snapshot | undefined, now: Date): AuditReport {
  const { records, source } = read;
  const problems = inventoryProblems(records);
  const findings = evaluateInventory(records, { policy, now, problems });
  let diff: AuditReport["diff"];
  if (before && args.diffAgainst) {
    const old = asThisRun(before.records, args);
    diff = { against: args.diffAgainst, ...diffInventories(old, records), ...diffFindings(evaluateInventory(old, { policy, now }), findings) };
  }
  return buildReport({
    version: VERSION,
    source,
    policyFile: policy.file,
    policyDigest: policy.digest,
    policyBaseline: policy.baseline,
    failOn: args.failOn,
    personalDataMasked: !args.showPersonalData,
    integrations: records.length,
    rules,
    enforcement: (r) => ruleSettings(policy, r).enforcement,
    findings,
    records,
    warnings: unreadDataProblems(records, { policy, problems }),
    diff,
    baseline: policy.baseline ? { applied: appliedBaseline(policy.baseline, findings, inScope(args, policy, records, findings), now) } : undefined,
    now,
  });
}
