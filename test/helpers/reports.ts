import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser } from "fast-xml-parser";
import type { InventoryRecord } from "../../src/api/types";
import { buildReport, type AuditReport } from "../../src/cli/report";
import { evaluateInventory, ruleSettings } from "../../src/rules/evaluate";
import { rules } from "../../src/rules/index";
import type { FlowPolicy } from "../../src/rules/types";

/** The report flow-audit builds for these records and policy at `now` (read from an API at `location`). */
export function auditReportOf(
  records: InventoryRecord[],
  policy: FlowPolicy,
  now: Date,
  extra: { diff?: AuditReport["diff"]; location?: string } = {},
): AuditReport {
  return buildReport({
    version: "0.0.0",
    source: { kind: "api", location: extra.location ?? "https://flow.example.com/v3/customer/core" },
    policyFile: policy.file,
    policyDigest: policy.digest,
    policyBaseline: policy.baseline,
    failOn: "mandatory",
    personalDataMasked: true,
    integrations: records.length,
    rules,
    enforcement: (r) => ruleSettings(policy, r).enforcement,
    findings: evaluateInventory(records, { policy, now }),
    records,
    ...(extra.diff ? { diff: extra.diff } : {}),
    now,
  });
}

/** A JUnit test case as parsed. */
export interface JunitCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string };
  error?: { type: string; message: string };
  skipped?: unknown;
}

/**
 * Reads a JUnit file as GitLab and Jenkins do: the counts in the `testsuites` and `testsuite`
 * attributes, and the `<failure>`/`<error>` elements inside the test cases.
 */
export function readJunit(xml: string) {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "testsuite" || name === "testcase" }).parse(xml);
  const suites = doc.testsuites.testsuite as Array<{ name: string; failures: string; errors: string; tests: string; testcase?: JunitCase[] }>;
  const cases = suites.flatMap((s) => s.testcase ?? []);
  const sum = (key: "tests" | "failures" | "errors") => suites.reduce((n, s) => n + Number(s[key]), 0);
  return {
    totals: { tests: Number(doc.testsuites.tests), failures: Number(doc.testsuites.failures), errors: Number(doc.testsuites.errors) },
    suiteSums: { tests: sum("tests"), failures: sum("failures"), errors: sum("errors") },
    elements: { tests: cases.length, failures: cases.filter((c) => c.failure !== undefined).length, errors: cases.filter((c) => c.error !== undefined).length },
    cases,
  };
}

/** A SARIF result's file location, resolved against the run's directory. */
export interface ResolvedLocation {
  ruleId: string;
  integration?: string;
  file: string;
  line: number;
}

/**
 * Every result's physical location, resolved as SARIF consumers do: a relative URI against the
 * directory the run was in (GitHub code scanning reads it relative to the repository's root,
 * the directory the CI recipes run in) and, when the result names a `uriBaseId` the run
 * defines in `originalUriBaseIds` (as SARIF viewers read it), against that too: both must be
 * the same existing file. file: URIs stand as they are. Lists the problems: a result without a
 * file, a file that does not exist, two readings that differ, a line outside the file.
 */
export function sarifLocations(sarifText: string, dir: string): { locations: ResolvedLocation[]; problems: string[] } {
  const sarif = JSON.parse(sarifText);
  const bases = (sarif.runs[0].originalUriBaseIds ?? {}) as Record<string, { uri: string }>;
  const locations: ResolvedLocation[] = [];
  const problems: string[] = [];
  const lineCounts = new Map<string, number>();
  for (const r of sarif.runs[0].results ?? []) {
    const loc = r.locations?.[0];
    const artifact: { uri?: string; uriBaseId?: string } | undefined = loc?.physicalLocation?.artifactLocation;
    const name = `${r.ruleId} ${loc?.logicalLocations?.[0]?.fullyQualifiedName}`;
    if (!artifact?.uri) {
      problems.push(`${name}: no file`);
      continue;
    }
    const uri = artifact.uri;
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(uri);
    if (absolute && !uri.startsWith("file:")) {
      problems.push(`${name}: ${uri} is not a file`);
      continue;
    }
    if (absolute && artifact.uriBaseId) problems.push(`${name}: ${uri} is absolute but names the base ${artifact.uriBaseId}`);
    const file = absolute ? fileURLToPath(uri) : path.join(dir, decodeURIComponent(uri));
    const base = artifact.uriBaseId ? bases[artifact.uriBaseId]?.uri : undefined;
    if (!absolute && base) {
      const viaBase = fileURLToPath(new URL(uri, base));
      if (viaBase !== file) problems.push(`${name}: ${uri} is ${viaBase} relative to ${artifact.uriBaseId} but ${file} relative to the run's directory`);
    }
    if (!fs.existsSync(file)) {
      problems.push(`${name}: ${uri} does not exist`);
      continue;
    }
    if (!lineCounts.has(file)) lineCounts.set(file, fs.readFileSync(file, "utf8").split("\n").length);
    const line = loc.physicalLocation.region?.startLine ?? 1;
    if (!(Number.isInteger(line) && line >= 1 && line <= lineCounts.get(file)!)) problems.push(`${name}: line ${line} is not in ${uri}`);
    locations.push({ ruleId: r.ruleId, integration: r.properties?.integration?.id?.toString(), file, line });
  }
  return { locations, problems };
}
