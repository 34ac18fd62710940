import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { buildReport, type AuditReport } from "../../../src/cli/report";
import { HTML_CODES, htmlData } from "../../../src/cli/reporters/html";
import { decode } from "../../../src/cli/reporters/html/decode";
import { jsonChunks } from "../../../src/cli/reporters/json";
import { renderJunit } from "../../../src/cli/reporters/junit";
import { renderSarif } from "../../../src/cli/reporters/sarif";
import { MARKDOWN_LIMITS, renderMarkdown } from "../../../src/cli/reporters/markdown";
import { renderTable } from "../../../src/cli/reporters/table";
import { defaultPolicy, evaluateInventory, inventoryProblems, isOpen, ruleSettings, type FailOn } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import type { FlowPolicy } from "../../../src/rules/types";
import { demoDataset, generatedDataset } from "../../../src/simulator/datasets";
import { readJunit } from "../../helpers/reports";

const NOW = new Date("2026-11-30T12:00:00Z");
/** How many rules the demo reports evaluate (the enabled ones: counted, never hard-coded). */
const ENABLED = rules.filter((r) => r.enforcement !== "disabled").length;
/** A pattern for text that starts with `prefix`, taken literally. */
const startsWith = (prefix: string) => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);

/** The report flow-audit builds for these records, at a fail-on level. */
function reportOf(records: InventoryRecord[], failOn: FailOn, policy: FlowPolicy = defaultPolicy()): AuditReport {
  const findings = evaluateInventory(records, { policy, now: NOW, problems: inventoryProblems(records) });
  return buildReport({
    version: "0.0.0",
    source: { kind: "api", location: "https://flow.example/v3/customer/core" },
    policyFile: policy.file,
    failOn,
    personalDataMasked: true,
    integrations: records.length,
    rules,
    enforcement: (r) => ruleSettings(policy, r).enforcement,
    findings,
    now: NOW,
  });
}

/** The demo inventory, with one field in an unusable shape (integration 101's webhooks flag), so one finding is a data error. */
function demoWithDataError(): InventoryRecord[] {
  return demoDataset(NOW.getTime()).map((r) => (r.integration.id === 101 ? { ...r, integration: { ...r.integration, webhooks_enabled: "yes" as never } } : r));
}

describe("the JUnit report", () => {
  it("makes every open violation a failure and every open error an error, whatever --fail-on says", () => {
    const records = demoWithDataError();
    const xml = (["mandatory", "advisory", "never"] as const).map((failOn) => renderJunit(reportOf(records, failOn)));
    // Only the suites' properties (fail-on, disposition) differ: the test cases are the same.
    const cases = (x: string) => x.replace(/<properties>[\s\S]*?<\/properties>/g, "");
    expect(cases(xml[1])).toBe(cases(xml[0]));
    expect(cases(xml[2])).toBe(cases(xml[0]));

    const report = reportOf(records, "never");
    const open = report.findings.filter(isOpen);
    const junit = readJunit(xml[2]);
    // GitLab's widget and Jenkins read the attributes or count the elements: both agree with the findings.
    expect(junit.totals).toEqual(junit.suiteSums);
    expect(junit.totals).toEqual(junit.elements);
    expect(junit.totals.failures).toBe(open.filter((f) => f.status === "violation").length);
    expect(junit.totals.errors).toBe(open.filter((f) => f.status === "error").length);
    expect(junit.totals.errors).toBe(1);
    expect(junit.totals.tests).toBe(report.findings.length);
    const failures = junit.cases.filter((c) => c.failure).map((c) => `${c.failure!.type} ${c.classname} ${c.name}`);
    expect(failures).toContain("mandatory flow-integration-webhooks-enabled GitHub Mobile (id 102, github)");
    expect(failures.filter((f) => f.startsWith("advisory "))).not.toHaveLength(0);
  });

  it("skips suppressed and not-applicable findings, and fails again once an exception expired", () => {
    const policy = defaultPolicy();
    policy.exceptions = [
      { rule: "flow-integration-webhooks-enabled", integrations: [102], reason: "org policy", expires: "2099-01-31" },
      { rule: "flow-integration-connected", integrations: [105], reason: "migration", expires: "2020-01-31" },
    ];
    const junit = readJunit(renderJunit(reportOf(demoDataset(NOW.getTime()), "never", policy)));
    const of = (rule: string, id: number) => junit.cases.find((c) => c.classname === rule && c.name.includes(`(id ${id},`))!;
    expect(of("flow-integration-webhooks-enabled", 102).skipped).toBeDefined();
    expect(of("flow-integration-webhooks-enabled", 102).failure).toBeUndefined();
    expect(of("flow-integration-connected", 105).failure?.type).toBe("mandatory");
    expect(junit.totals).toEqual(junit.elements);
  });
});

describe("a mandatory violation under --fail-on never (issue 31, item 6)", () => {
  // GitHub Mobile (102): webhooks off, a mandatory rule; Bitbucket Data (106): an advisory finding.
  const records = () => demoDataset(NOW.getTime()).filter((r) => r.integration.id === 102 || r.integration.id === 106);
  const MANDATORY = "flow-integration-webhooks-enabled";
  const ADVISORY = "flow-integration-source-types-active";
  const json = (failOn: FailOn) => JSON.parse([...jsonChunks(reportOf(records(), failOn))].join("")) as AuditReport;
  const sarif = (failOn: FailOn) => JSON.parse(renderSarif(reportOf(records(), failOn))) as Log;
  /** Each JUnit suite's properties and failure types, by rule. */
  const junit = (failOn: FailOn) => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => ["testsuite", "testcase", "property"].includes(n) }).parse(
      renderJunit(reportOf(records(), failOn)),
    );
    type Suite = { name: string; properties: { property: Array<{ name: string; value: string }> }; testcase: Array<{ failure?: { type: string } }> };
    return new Map(
      (doc.testsuites.testsuite as Suite[]).map((s) => [
        s.name,
        {
          properties: Object.fromEntries(s.properties.property.map((p) => [p.name, p.value])),
          failures: s.testcase.flatMap((c) => (c.failure ? [c.failure.type] : [])),
        },
      ]),
    );
  };

  it("JSON: counts it as failing, says the run does not enforce it, and does not call the run passed", () => {
    const never = json("never");
    expect(never.schemaVersion).toBe(2);
    expect(never.summary).toMatchObject({
      failing: 1,
      open: { mandatory: 1, advisory: 1 },
      failOn: "never",
      enforced: false,
      passed: false,
      verdict: "failed-not-enforced",
    });
    expect(never.findings.find((f) => f.ruleId === MANDATORY && f.status === "violation")).toMatchObject({ enforcement: "mandatory", severity: "high" });
    // The same findings under the default differ only in enforcement.
    expect(json("mandatory").summary).toMatchObject({ failing: 1, failOn: "mandatory", enforced: true, passed: false, verdict: "failed" });
    expect(json("advisory").summary).toMatchObject({ failing: 2, enforced: true, passed: false, verdict: "failed" });
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../src/cli/report.schema.json"), "utf8")) as object;
    for (const failOn of ["never", "mandatory", "advisory"] as const) expect(ajv.validate(schema, json(failOn)), ajv.errorsText()).toBe(true);
  });

  it("table: a FAIL under a heading that says it is not enforced, never a WARN", () => {
    const table = renderTable(reportOf(records(), "never"), { width: 200 });
    expect(table).toContain(`${MANDATORY} (mandatory, high) — failing, not enforced (--fail-on never)`);
    expect(table).toContain("  FAIL  Integration 'GitHub Mobile' (id 102, github) has webhooks off");
    expect(table).not.toContain("  WARN  Integration 'GitHub Mobile'");
    // The advisory finding stays a warning, and its rule's heading claims nothing.
    expect(table).toContain(`${ADVISORY} (advisory, medium)\n  WARN  Integration 'Bitbucket Data'`);
    expect(renderTable(reportOf(records(), "mandatory"), { width: 200 })).not.toContain("not enforced");
  });

  it("Markdown: a ❌ row that says failing, not enforced", () => {
    const md = renderMarkdown(reportOf(records(), "never"));
    const row = md.split("\n").find((l) => l.includes("GitHub Mobile (id 102, github)"))!;
    expect(row).toMatch(/^\| ❌ \| .*\(mandatory\) \|/);
    expect(row).toContain("_Failing, not enforced (--fail-on never)._");
    expect(md).toContain("| 2 | " + ENABLED + " | 1 | 1 |");
    expect(md).toContain("fail on never (not enforced)");
    expect(renderMarkdown(reportOf(records(), "mandatory"))).not.toContain("not enforced");
  });

  it("SARIF: level error as the rule says, disposition not-enforced, no suppression", () => {
    const run = sarif("never").runs[0];
    const result = run.results!.find((r) => r.ruleId === MANDATORY)!;
    expect(result.level).toBe("error");
    expect(result.kind).toBe("fail");
    expect(result.suppressions).toBeUndefined();
    expect(result.properties).toMatchObject({ disposition: "not-enforced", enforcement: "mandatory" });
    expect(run.results!.find((r) => r.ruleId === ADVISORY)).toMatchObject({ level: "warning", properties: { disposition: "warning" } });
    expect(run.invocations![0].properties).toEqual({ failOn: "never", enforced: false, verdict: "failed-not-enforced" });
    const enforced = sarif("mandatory").runs[0];
    expect(enforced.results!.find((r) => r.ruleId === MANDATORY)).toMatchObject({ level: "error", properties: { disposition: "failing" } });
    expect(enforced.invocations![0].properties).toMatchObject({ enforced: true });
    // --fail-on advisory fails on the advisory finding without raising its level.
    expect(sarif("advisory").runs[0].results!.find((r) => r.ruleId === ADVISORY)).toMatchObject({ level: "warning", properties: { disposition: "failing" } });
  });

  it("JUnit: a mandatory failure, in a suite whose properties say not enforced", () => {
    const suites = junit("never");
    expect(suites.get(MANDATORY)).toEqual({
      properties: { enforcement: "mandatory", severity: "high", "fail-on": "never", disposition: "not enforced" },
      failures: ["mandatory"],
    });
    expect(suites.get(ADVISORY)).toMatchObject({ properties: { disposition: "reported" }, failures: ["advisory"] });
    expect(junit("mandatory").get(MANDATORY)!.properties).toMatchObject({ "fail-on": "mandatory", disposition: "enforced" });
    expect(junit("advisory").get(ADVISORY)!.properties).toMatchObject({ disposition: "enforced" });
  });

  it("HTML: the finding's result is failing, and the page is told the run does not enforce it", () => {
    const report = reportOf(records(), "never");
    const data = htmlData(report);
    const n = report.findings.findIndex((f) => f.ruleId === MANDATORY && f.status === "violation");
    expect(HTML_CODES.disposition[data.findings.disposition[n]]).toBe("failing");
    expect(data.summary).toMatchObject({ failing: 1, enforced: false, passed: false });
    expect(data.verdict.status).toBe("failed (not enforced)");
    // The page decodes it as not enforced, and marks such rows so (in a browser: test/integration/cli/html-browser.test.ts).
    expect(decode(data).findings[n]).toMatchObject({ disposition: "failing", notEnforced: true });
    expect(decode(htmlData(reportOf(records(), "mandatory"))).findings[n]).toMatchObject({ disposition: "failing", notEnforced: false });
  });
});

describe("the Markdown report's verdict", () => {
  const demo = () => demoDataset(NOW.getTime());
  const mandatoryIds = [102, 104, 105, 110];

  it("says failed once, without a PASS, when mandatory findings are open but --fail-on never lets the run pass", () => {
    const md = renderMarkdown(reportOf(demo(), "never"));
    expect(md).toMatch(
      startsWith(
        `## ❌ Flow integration audit: failed (not enforced)\n\nFAIL, not enforced (--fail-on never: this run exits 0): 12 integrations, ${ENABLED} rules, 4 failing at mandatory, 6 other open findings`,
      ),
    );
    expect(md).not.toMatch(/\bPASS\b|passed|failing at never/);
    expect(md).toContain(`| 12 | ${ENABLED} | 4 | 6 | 0 |`);
    expect(md.match(/^\| ❌ \|/gm)).toHaveLength(4);
    // The table's last line is the same verdict.
    expect(renderTable(reportOf(demo(), "never"))).toContain("FAIL, not enforced (--fail-on never: this run exits 0): 12 integrations");
  });

  it("words the verdict for the --fail-on in force", () => {
    const failed = renderMarkdown(reportOf(demo(), "mandatory"));
    expect(failed).toMatch(
      startsWith(`## ❌ Flow integration audit: failed\n\nFAIL: 12 integrations, ${ENABLED} rules, 4 failing at mandatory, 6 other open findings`),
    );
    expect(failed).not.toMatch(/\bPASS\b|not enforced/);
    const advisoryOnly = demo().filter((r) => !mandatoryIds.includes(r.integration.id));
    for (const failOn of ["mandatory", "never"] as const) {
      const md = renderMarkdown(reportOf(advisoryOnly, failOn));
      expect(md).toMatch(/^## ⚠️ Flow integration audit: passed with warnings\n\nPASS: 8 integrations/);
      expect(md).not.toMatch(/\bFAIL\b|failed/);
    }
    const incomplete = renderMarkdown(reportOf(demoWithDataError(), "never"));
    expect(incomplete).toMatch(
      startsWith(`## ❌ Flow integration audit: incomplete\n\nINCOMPLETE: 12 integrations, ${ENABLED} rules, 5 failing at mandatory, 1 not evaluable`),
    );
    expect(incomplete).not.toMatch(/\bPASS\b/);
  });
});

describe("the Markdown summary's size", () => {
  const GITHUB_STEP_SUMMARY_LIMIT = 1024 * 1024;
  const big = reportOf(generatedDataset(3000, 42, NOW.getTime()), "never");
  const artifacts = [
    { format: "sarif", file: "flow-audit.sarif" },
    { format: "json", file: "flow-audit.json" },
  ];
  const rows = (md: string) => md.split("\n").filter((l) => /^\| (❌|⚠️|⏸️) \|/.test(l));

  it("stays bounded for 3,000 integrations: counts, the failing findings first, and how many more the full report has", () => {
    const listed = big.findings.filter((f) => f.status === "violation" || f.status === "error");
    expect(listed.length).toBeGreaterThan(3000);
    const md = renderMarkdown(big, { artifacts });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_LIMITS.bytes);
    expect(Buffer.byteLength(md)).toBeLessThan(GITHUB_STEP_SUMMARY_LIMIT / 2);
    const shown = rows(md);
    expect(shown).toHaveLength(MARKDOWN_LIMITS.findings);
    const icons = shown.map((r) => r.slice(2, 4).trim());
    expect(icons.indexOf("⚠️") === -1 || icons.lastIndexOf("❌") < icons.indexOf("⚠️")).toBe(true);
    const failing = listed.filter((f) => isOpen(f) && f.enforcement === "mandatory").length;
    expect(icons.filter((i) => i === "❌")).toHaveLength(Math.min(failing, MARKDOWN_LIMITS.findings));
    expect(md).toContain(
      `_… and ${listed.length - MARKDOWN_LIMITS.findings} more findings (${Math.max(0, failing - MARKDOWN_LIMITS.findings)} of them ❌) in flow-audit.json (JSON), flow-audit.sarif (SARIF)._`,
    );
    expect(md).toMatch(/\| 3000 \| 10 \| \d+ \| \d+ \| 0 \|/);
    expect(renderMarkdown(big)).toContain("in the full report (--format json or --output json=FILE)");
  });

  it("keeps its byte budget when Flow's names and messages are huge, and caps a large diff", () => {
    const huge = "<b>&|*".repeat(20_000);
    const findings = big.findings.map((f) => (f.integration ? { ...f, message: huge, integration: { ...f.integration, name: huge } } : f));
    const added = big.findings.slice(0, 3000).map((f, i) => ({ id: i, name: huge, vendor: "github" }));
    const diff = { against: "before.json", added, removed: [], changed: [], findingsAppeared: [], findingsResolved: [] };
    const md = renderMarkdown({ ...big, findings, diff }, { artifacts });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(MARKDOWN_LIMITS.bytes);
    expect(md).not.toContain("<b>");
    // Names are bounded to 200 characters and cells to MARKDOWN_LIMITS.text, so every row the limit allows fits.
    expect(rows(md).length).toBeLessThanOrEqual(MARKDOWN_LIMITS.findings);
    expect(rows(md)[0]).toContain("…");
    expect(md).toMatch(/_… and \d+ more findings \(\d+ of them ❌\) in flow-audit\.json \(JSON\)/);
    // No room for the changes: a pointer to the full report, never a heading without entries.
    expect(md).toContain("_Changes since before.json: in flow-audit.json (JSON), flow-audit.sarif (SARIF)._");
    expect(md).not.toContain("### Changes since");
    const small = renderMarkdown({ ...reportOf(demoDataset(NOW.getTime()), "never"), diff }, { artifacts });
    expect(small).toMatch(/- Added: .* and 2980 more\n/);
    expect(Buffer.byteLength(small)).toBeLessThanOrEqual(MARKDOWN_LIMITS.bytes);
  });
});
