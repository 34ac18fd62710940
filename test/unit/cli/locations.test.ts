import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy-file";
import { artifactUri, sarifLocator, snapshotRecordLines, srcRootUri } from "../../../src/cli/locations";
import type { AuditReport } from "../../../src/cli/report";
import { findingLines, jsonChunks } from "../../../src/cli/reporters/json";
import { renderSarif } from "../../../src/cli/reporters/sarif";
import { makeSnapshot } from "../../../src/cli/snapshot";
import { defaultPolicy } from "../../../src/rules/evaluate";
import type { FlowPolicy } from "../../../src/rules/types";
import { demoDataset } from "../../../src/simulator/datasets";
import { auditReportOf } from "../../helpers/reports";

const NOW = new Date("2026-11-30T12:00:00Z");
// Where the run happened: any directory will do (nothing is read or written there).
const CWD = path.join(os.tmpdir(), "flow-audit-run");
const SRC_ROOT = `${pathToFileURL(CWD).href}/`;
const records = demoDataset(NOW.getTime());

const reportOf = (policy: FlowPolicy, diff?: AuditReport["diff"]): AuditReport =>
  auditReportOf(records, policy, NOW, { diff, location: "https://flow.example" });

/** The JSON value that starts on `line` (1-based) of `text`, an element of a pretty-printed array. */
function elementAt(text: string, line: number): unknown {
  const lines = text.split("\n").slice(line - 1);
  for (let end = 1; end <= lines.length; end++) {
    try {
      return JSON.parse(lines.slice(0, end).join("\n").replace(/,$/, ""));
    } catch {
      // not complete yet
    }
  }
  throw new Error(`no JSON value starts on line ${line}`);
}

const POLICY = `version: 1
rules:
  flow-integration-connected:
    enforcement: mandatory
exceptions:
  - rule: flow-integration-webhooks-enabled
    integrations: [102]
    reason: org policy
    expires: 2099-01-31
  - rule: flow-integration-allowed-auth-type
    integrations: [104]
    reason: migration
    expires: 2020-01-31
`;

describe("where SARIF results point", () => {
  it("finds each finding's line in the JSON report, with or without a diff", () => {
    const diff = { against: "a.json", added: [], removed: [], changed: [], findingsAppeared: [], findingsResolved: [] };
    for (const report of [reportOf(defaultPolicy()), reportOf(defaultPolicy(), diff)]) {
      const text = [...jsonChunks(report)].join("");
      const lines = findingLines(report);
      expect(lines).toHaveLength(report.findings.length);
      report.findings.forEach((f, i) => expect(elementAt(text, lines[i])).toEqual(f));
    }
  });

  it("finds each record's line in a written snapshot", () => {
    const snapshot = makeSnapshot(records, "https://flow.example", true, NOW);
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    const lines = snapshotRecordLines(snapshot);
    expect(lines.size).toBe(records.length);
    for (const r of snapshot.records) expect(elementAt(text, lines.get(r.integration.id)!)).toEqual(r);
  });

  it("points at the policy file's exception or rule setting, else its first line", () => {
    const policy = parsePolicy(POLICY, path.join(CWD, "flow-policy.yaml"));
    const report = reportOf(policy);
    const locate = sarifLocator(report, { cwd: CWD, policy, outputs: [{ format: "json", file: "r.json" }] })!;
    const at = (ruleId: string, id: number) => {
      const i = report.findings.findIndex((f) => f.ruleId === ruleId && f.integration?.id === id);
      return locate(report.findings[i], i);
    };
    expect(at("flow-integration-webhooks-enabled", 102)).toEqual({ uri: "flow-policy.yaml", line: 6 });
    expect(at("flow-integration-allowed-auth-type", 104)).toEqual({ uri: "flow-policy.yaml", line: 10 });
    expect(at("flow-integration-connected", 105)).toEqual({ uri: "flow-policy.yaml", line: 3 });
    expect(at("flow-integration-allowed-auth-type", 110)).toEqual({ uri: "flow-policy.yaml", line: 1 });
  });

  it("without a policy file, points at the JSON report, else the snapshot written, else the snapshot read, else the SARIF file", () => {
    const report = reportOf(defaultPolicy());
    const policy = defaultPolicy();
    const snapshot = makeSnapshot(records, "x", true, NOW);
    const i = report.findings.findIndex((f) => f.ruleId === "flow-integration-connected" && f.integration?.id === 105);
    const run = (extra: Partial<Parameters<typeof sarifLocator>[1]>) =>
      sarifLocator(report, { cwd: CWD, policy, outputs: [{ format: "sarif", file: "out/r.sarif" }], ...extra })?.(report.findings[i], i);
    expect(run({ outputs: [{ format: "json", file: "out/r.json" }], snapshotOut: { file: "s.json", snapshot } })).toEqual({
      uri: "out/r.json",
      line: findingLines(report)[i],
    });
    expect(run({ snapshotOut: { file: "s.json", snapshot } })).toEqual({ uri: "s.json", line: snapshotRecordLines(snapshot).get(105) });
    expect(run({ snapshotIn: "../old snapshot.json" })).toEqual({ uri: pathToFileURL(path.resolve(CWD, "../old snapshot.json")).href, line: 1 });
    expect(run({ snapshotIn: "../old snapshot.json" })?.uri).toMatch(/^file:\/\/.*\/old%20snapshot\.json$/);
    expect(run({})).toEqual({ uri: "out/r.sarif", line: 1 });
    expect(sarifLocator(report, { cwd: CWD, policy, outputs: [] })).toBeUndefined();
    expect(artifactUri(path.join(CWD, "a b#1.json"), CWD)).toBe("a%20b%231.json");
  });

  it("gives relative locations the base %SRCROOT%, defined as the run's directory; file: URIs stand alone", () => {
    const report = reportOf(defaultPolicy());
    const inside = JSON.parse(renderSarif(report, { locate: () => ({ uri: "out/r.json", line: 7 }), srcRoot: SRC_ROOT })).runs[0];
    expect(inside.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: SRC_ROOT } });
    for (const r of inside.results)
      expect(r.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: "out/r.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 7 } });
    expect(inside.artifacts.map((a: { location: unknown }) => a.location)).toEqual([{ uri: "out/r.json", uriBaseId: "%SRCROOT%" }]);
    const outside = JSON.parse(renderSarif(report, { locate: () => ({ uri: "file:///elsewhere/s.json", line: 1 }), srcRoot: SRC_ROOT })).runs[0];
    expect(outside.originalUriBaseIds).toBeUndefined();
    for (const r of outside.results) expect(r.locations[0].physicalLocation.artifactLocation).not.toHaveProperty("uriBaseId");
    expect(outside.artifacts.map((a: { location: unknown }) => a.location)).toEqual([{ uri: "file:///elsewhere/s.json" }]);
    expect(srcRootUri(CWD)).toBe(`${pathToFileURL(CWD).href}/`);
  });

  it("never points a result at a file that is not there", () => {
    const sarif = JSON.parse(renderSarif(reportOf(defaultPolicy())));
    const results = sarif.runs[0].results as Array<{ locations: Array<{ physicalLocation?: unknown; logicalLocations: unknown[] }> }>;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.locations[0].physicalLocation).toBeUndefined();
      expect(r.locations[0].logicalLocations).toHaveLength(1);
    }
  });
});
