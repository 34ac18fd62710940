import type { Artifact, Log, ReportingDescriptor, Result } from "sarif";
import { bounded, boundedValue } from "../../api/display";
import { baselineNote } from "../../rules/baseline";
import type { Finding } from "../../rules/types";
import type { AuditReport } from "../report";
import { disposition, notEnforced, text } from "./common";

const LEVEL: Record<string, Result.level> = { mandatory: "error", advisory: "warning", disabled: "note" };
const SRCROOT = "%SRCROOT%";

/** A file (URI relative to the run's directory, or a file: URI outside it) and a 1-based line. */
export interface SourceLocation {
  uri: string;
  line: number;
}

/** Where a finding (by its index in `report.findings`) is shown in a file, if any file can show it (src/cli/locations.ts finds it). */
export type Locate = (f: Finding, index: number) => SourceLocation | undefined;

/** The languages of the files results can point at (the policy file, a JSON report or snapshot); other files' are "unknown". */
const LANGUAGE: Record<string, string> = { json: "JSON", yaml: "YAML", yml: "YAML" };
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
  const locate = options.locate ?? (() => undefined);
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const results = report.findings.flatMap((f, i) =>
    f.status === "violation" || f.status === "error" ? [result(f, report, locate(f, i), index.get(f.ruleId) ?? 0)] : [],
  );
  const artifacts = artifactsOf(results);
  const informationUri = report.rules[0]?.helpUri.replace(/#.*$/, "");
  const log: Log = {
    $schema: "http://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "flow-audit",
            rules: report.rules.map((r) => descriptor(report, r)),
            version: report.tool.version,
            ...(informationUri ? { informationUri } : {}),
          },
        },
        results,
        artifacts,
        // What the run did with the failing results (levels stay the rules' own: --fail-on never reports a mandatory violation as an error, not enforced).
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.generatedAt,
            properties: { failOn: report.policy.failOn, enforced: report.summary.enforced, verdict: report.summary.verdict },
          },
        ],
        ...(options.srcRoot && results.some((r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uriBaseId === SRCROOT)
          ? { originalUriBaseIds: { [SRCROOT]: { uri: options.srcRoot } } }
          : {}),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function descriptor(report: AuditReport, r: AuditReport["rules"][number]): ReportingDescriptor {
  return {
    id: r.id,
    shortDescription: { text: r.title },
    name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
    fullDescription: { text: r.description },
    helpUri: r.helpUri,
    help: {
      text: `${r.description} How to fix: ${remediationOf(report, r.id)} See ${r.helpUri}`,
      markdown: `${r.description}\n\n**How to fix:** ${remediationOf(report, r.id)}\n\n[Rule documentation](${r.helpUri})`,
    },
    defaultConfiguration: { level: LEVEL[r.enforcement] ?? "warning" },
    properties: { tags: ["flow", "integrations", r.severity], "security-severity": SECURITY_SEVERITY[r.severity], enforcement: r.enforcement },
  };
}

/** Each file the results point at, once, in order of first use; each result's location then names its index. */
function artifactsOf(results: Result[]): Artifact[] {
  const artifacts: Artifact[] = [];
  const indexOf = new Map<string, number>();
  for (const at of results.flatMap((r) => r.locations ?? [])) {
    const location = at.physicalLocation?.artifactLocation;
    if (!location?.uri) continue;
    if (!indexOf.has(location.uri)) {
      indexOf.set(location.uri, artifacts.length);
      artifacts.push({ sourceLanguage: LANGUAGE[/\.([^.]*)$/.exec(location.uri)?.[1] ?? ""] ?? "unknown", location: artifactLocation(location.uri) });
    }
    location.index = indexOf.get(location.uri);
  }
  return artifacts;
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
    level: f.status === "error" ? "error" : (LEVEL[f.enforcement] ?? "warning"),
    message: { text: `${text(f.message)} Fix: ${text(f.remediation)}${expired}` },
    ruleId: f.ruleId,
    ruleIndex,
    kind: "fail",
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
