import type { Log, ReportingDescriptor, Result } from "sarif";
import { bounded, boundedValue } from "../../api/display";
import { baselineNote } from "../../rules/baseline";
import type { Finding } from "../../rules/types";
import type { Locate, SourceLocation } from "../locations";
import type { AuditReport } from "../report";
import { disposition, notEnforced, text } from "./common";

const LEVEL: Record<string, Result.level> = { mandatory: "error", advisory: "warning", disabled: "note" };
const SRCROOT = "%SRCROOT%";
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.0", high: "7.0", medium: "5.0", low: "3.0" };

/**
 * `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers. Rules carry
 * help text; results are the violations and errors (levels from enforcement), with the
 * integration as a logical location and, where `locate` finds one, a file that exists (SaaS
 * settings have no source file: see src/cli/locations.ts); active exceptions become
 * suppressions with their justification. --fail-on changes no level: each result's
 * `properties.disposition` and the invocation's `properties` say whether the run enforces it. Relative URIs are relative to `%SRCROOT%`, which
 * `srcRoot` (a file: URI ending in `/`, the run's directory) defines for viewers other than
 * GitHub, which reads them relative to the repository's root.
 */
export function renderSarif(report: AuditReport, options: { locate?: Locate; srcRoot?: string } = {}): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a SARIF report is asked for
  const { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } = require("node-sarif-builder") as typeof import("node-sarif-builder");
  const locate = options.locate ?? (() => undefined);
  const run = new SarifRunBuilder().initSimple({
    toolDriverName: "flow-audit",
    toolDriverVersion: report.tool.version,
    url: report.rules[0]?.helpUri.replace(/#.*$/, ""),
  });
  const index = new Map<string, number>();
  for (const r of report.rules) {
    const descriptor: ReportingDescriptor = {
      id: r.id,
      name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      helpUri: r.helpUri,
      help: {
        text: `${r.description} How to fix: ${remediationOf(report, r.id)} See ${r.helpUri}`,
        markdown: `${r.description}\n\n**How to fix:** ${remediationOf(report, r.id)}\n\n[Rule documentation](${r.helpUri})`,
      },
      defaultConfiguration: { level: LEVEL[r.enforcement] ?? "warning" },
      properties: { tags: ["flow", "integrations", r.severity], "security-severity": SECURITY_SEVERITY[r.severity], enforcement: r.enforcement },
    };
    index.set(r.id, index.size);
    run.addRule(new SarifRuleBuilder(descriptor));
  }
  report.findings.forEach((f, i) => {
    if (f.status !== "violation" && f.status !== "error") return;
    run.addResult(new SarifResultBuilder(result(f, report, locate(f, i), index.get(f.ruleId) ?? 0)));
  });
  const sarif = new SarifBuilder();
  sarif.addRun(run);
  const log: Log = sarif.buildSarifOutput();
  // What the run did with the failing results (levels stay the rules' own: --fail-on never reports a mandatory violation as an error, not enforced).
  log.runs[0].invocations = [
    {
      executionSuccessful: true,
      endTimeUtc: report.generatedAt,
      properties: { failOn: report.policy.failOn, enforced: report.summary.enforced, verdict: report.summary.verdict },
    },
  ];
  // node-sarif-builder lists each file in `artifacts` without its base: the same base as the results'.
  for (const a of log.runs[0].artifacts ?? []) if (a.location?.uri) a.location = { ...a.location, ...artifactLocation(a.location.uri) };
  if (options.srcRoot && log.runs[0].results?.some((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uriBaseId === SRCROOT))
    log.runs[0].originalUriBaseIds = { [SRCROOT]: { uri: options.srcRoot } };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function remediationOf(report: AuditReport, ruleId: string): string {
  return text(
    report.findings.find((f) => f.ruleId === ruleId && f.status === "violation")?.remediation ??
      report.findings.find((f) => f.ruleId === ruleId)?.remediation ??
      "",
  );
}

/** A relative URI names its base (SARIF §3.4.4: only relative references may); a file: URI stands alone. */
function artifactLocation(uri: string): { uri: string; uriBaseId?: string } {
  return uri.startsWith("file:") ? { uri } : { uri, uriBaseId: SRCROOT };
}

function result(f: Finding, report: AuditReport, at: SourceLocation | undefined, ruleIndex: number): Result {
  const d = disposition(f, report);
  const logicalName = f.integration ? `integrations/${f.integration.id}` : `inventory/${bounded(f.subject ?? "all").replace(/[^A-Za-z0-9_-]+/g, "-")}`;
  const expired =
    (f.exception?.state === "expired" ? ` (An exception expired on ${f.exception.expires}: ${text(f.exception.reason)}.)` : "") +
    (f.baseline && f.baseline.state !== "active" ? ` (This finding is ${baselineNote(f.baseline)}.)` : "");
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.status === "error" ? "error" : (LEVEL[f.enforcement] ?? "warning"),
    kind: "fail",
    message: { text: `${text(f.message)} Fix: ${text(f.remediation)}${expired}` },
    locations: [
      {
        ...(at ? { physicalLocation: { artifactLocation: artifactLocation(at.uri), region: { startLine: at.line } } } : {}),
        logicalLocations: [{ name: bounded(f.integration?.name ?? f.subject ?? "inventory"), fullyQualifiedName: `flow/${logicalName}`, kind: "resource" }],
      },
    ],
    partialFingerprints: { "flowFinding/v1": `${f.ruleId}/${logicalName}`, ...(f.fingerprint ? { "flowEvidence/v1": f.fingerprint } : {}) },
    // With a baseline in force, SARIF's own comparison result: unchanged (tolerated), updated (evidence changed), new.
    ...(report.baseline?.applied && f.status === "violation" && f.exception?.state !== "active"
      ? { baselineState: f.baseline?.state === "active" ? "unchanged" : f.baseline?.state === "changed" ? "updated" : "new" }
      : {}),
    properties: {
      status: f.status,
      // failing (and enforced), not-enforced (failing, but --fail-on never lets the run exit 0), warning, suppressed, baselined.
      disposition: notEnforced(f, report) ? "not-enforced" : d,
      enforcement: f.enforcement,
      severity: f.severity,
      ...(f.integration ? { integration: { id: f.integration.id, name: bounded(f.integration.name), vendor: bounded(f.integration.vendor) } } : {}),
      evidence: boundedValue(f.evidence),
    },
    ...(d === "suppressed"
      ? {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: `${text(f.exception!.reason)} (expires ${f.exception!.expires}${f.exception!.owner ? `, owner ${f.exception!.owner}` : ""}${f.exception!.ticket ? `, ticket ${f.exception!.ticket}` : ""})`,
            },
          ],
        }
      : d === "baselined"
        ? { suppressions: [{ kind: "external", status: "accepted", justification: baselineNote(f.baseline!) }] }
        : {}),
  };
}
