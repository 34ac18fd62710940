/**
 * The page's findings decoded from `ReportPageData`: the shared tables looked up, each message
 * whole again. Pure (no DOM), so a unit test runs it on what `htmlData` builds.
 */
import type { DataProblem } from "../../../api/validation";
import { integrationPrefix } from "../../../rules/util";
import type { AppliedBaseline, AppliedException } from "../../../rules/types";
import { findingAt, findingCount, type PageIntegration, type PageRule, type ReportPageData } from "./data";

/** A rule with its position in the report (the default sort's order). */
export interface Rule extends PageRule {
  i: number;
}

/** A finding as the page shows it. */
export interface Finding {
  /** Its position in the report. */
  n: number;
  rule: Rule;
  status: string;
  disposition: string;
  integration: PageIntegration | null;
  subject: string | null;
  message: string;
  evidence: Record<string, unknown>;
  remediation: string;
  exception: AppliedException | null;
  baseline: AppliedBaseline | null;
  severity: string;
  enforcement: string;
  helpUri: string | null;
  dataProblems: DataProblem[] | null;
  /** The integration's vendor, "" for a stack-level finding. */
  vendor: string;
  /**
   * A failing finding this run does not enforce: --fail-on never only stops enforcing them (data
   * errors are enforced whatever it says: the run is incomplete). The rule of `notEnforced` in common.ts.
   */
  notEnforced: boolean;
}

/** The report's findings and rules, decoded. */
export interface Decoded {
  rules: Rule[];
  findings: Finding[];
}

/** The findings of the page's data, in the report's order. */
export function decode(D: ReportPageData): Decoded {
  const C = D.codes;
  const rules = D.rules.map((r, i) => ({ ...r, i }));
  const findings = Array.from({ length: findingCount(D.findings) }, (_, n): Finding => {
    const row = findingAt(D.findings, n);
    const rule = rules[row.rule];
    const integration = row.integration === undefined ? null : D.integrations[row.integration];
    const x = row.extra === undefined ? {} : D.extras[row.extra];
    const text = D.text[row.message];
    const message = row.prefixed && integration ? integrationPrefix(integration.name, integration.id, integration.vendor) + text : text;
    const status = C.status[row.status];
    const disposition = C.disposition[row.disposition];
    const dataProblems = x.dataProblems ?? null;
    return {
      n,
      rule,
      status,
      disposition,
      integration,
      subject: x.subject || null,
      message,
      evidence: D.evidence[row.evidence] || {},
      remediation: D.text[row.remediation],
      exception: row.exception === undefined ? null : D.exceptions[row.exception],
      baseline: row.baseline === undefined ? null : D.baselines[row.baseline],
      severity: x.severity || rule.severity,
      enforcement: x.enforcement || rule.enforcement,
      helpUri: x.helpUri === undefined ? rule.helpUri : x.helpUri,
      dataProblems,
      vendor: integration ? integration.vendor : "",
      notEnforced: !D.summary.enforced && disposition === "failing" && !(status === "error" && dataProblems),
    };
  });
  return { rules, findings };
}

/** "name (id 7)", a stack-level finding's subject, or "inventory". */
export function who(f: Pick<Finding, "integration" | "subject">): string {
  return f.integration ? `${f.integration.name} (id ${f.integration.id})` : f.subject || "inventory";
}

/** Each value's position in a list (severities, dispositions): the sort order. */
export function ranks(list: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  list.forEach((v, i) => (out[v] = i));
  return out;
}
