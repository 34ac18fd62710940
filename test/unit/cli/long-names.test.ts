import { describe, expect, it } from "vitest";
import { DISPLAY_MAX, MESSAGE_MAX } from "../../../src/api/display";
import type { InventoryRecord } from "../../../src/api/types";
import type { Format } from "../../../src/cli/args";
import { renderReport } from "../../../src/cli/output";
import type { AuditReport } from "../../../src/cli/report";
import { violationMessage } from "../../../src/policy/messages";
import { defaultPolicy } from "../../../src/rules/evaluate";
import { generatedDataset } from "../../../src/simulator/datasets";
import { auditReportOf } from "../../helpers/reports";
import { NOW } from "../rules/fixtures";

// Issue 27, item 4: 25 integrations named with 1.25 MB each (a 31 MB page, under the per-response
// cap) crashed the table (RangeError: Maximum call stack size exceeded) and made a 625 MB JSON report.
const NAME_LENGTH = 1_250_000;
const INTEGRATIONS = 25;
const FORMATS: Format[] = ["table", "markdown", "html", "junit", "sarif", "json"];

/** A name of about `length` characters: words, an emoji where a cut at DISPLAY_MAX would split it, and a tail that identifies it. */
function longName(k: number, length = NAME_LENGTH): string {
  const head = `${"n".repeat(DISPLAY_MAX - 2)}😀 `;
  const tail = ` END-${k}`;
  return (
    head + "Integration with a long name ".repeat(Math.ceil((length - head.length - tail.length) / 29)).slice(0, length - head.length - tail.length) + tail
  );
}

const records = (names?: (k: number) => string): InventoryRecord[] =>
  generatedDataset(INTEGRATIONS, 7, NOW.getTime()).map((r, k) => ({
    ...r,
    // Every integration fails a mandatory rule, so each has a line in the table, Markdown, JUnit and SARIF.
    integration: { ...r.integration, name: names ? names(k) : r.integration.name, webhooks_enabled: false },
  }));

const render = (format: Format, report: AuditReport) => [...renderReport(format, report, { tty: false, color: false, width: 100 })].join("");

describe("reports over integrations with 1.25 MB names", () => {
  const policy = defaultPolicy();
  const normal = auditReportOf(records(), policy, NOW);
  const long = auditReportOf(records(longName), policy, NOW);

  it("build findings whose names, messages and evidence are bounded for display", () => {
    const named = long.findings.filter((f) => f.integration);
    expect(named.length).toBeGreaterThan(INTEGRATIONS * 5);
    for (const f of named) {
      expect(f.integration!.name.length).toBeLessThanOrEqual(DISPLAY_MAX);
      expect(f.integration!.name.endsWith("…")).toBe(true);
      // The emoji that straddles the cut is left out whole, never split into a lone surrogate.
      expect(f.integration!.name).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      expect(f.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
      expect(f.message).toContain("…");
      expect(JSON.stringify(f.evidence).length).toBeLessThan(10_000);
      expect(violationMessage(f).length).toBeLessThan(MESSAGE_MAX * 2);
    }
  });

  for (const format of FORMATS) {
    it(`${format}: renders without a RangeError, each name cut with "…", and as long as a normal report plus the bounded names`, () => {
      const usual = render(format, normal);
      const out = render(format, long);
      // Booleans, not the text: a failure would print megabytes.
      expect(out.includes("…"), "the ellipsis").toBe(true);
      // Only the JSON report holds a name longer than DISPLAY_MAX (once, in fullNames).
      if (format !== "json") expect(out.includes("Integration with a long name ".repeat(8)), "a long run of the name").toBe(false);
      // Each finding may show its integration's name a few times, each at most DISPLAY_MAX characters;
      // the JSON report also has each full name once (fullNames).
      const fullNames = format === "json" ? INTEGRATIONS * NAME_LENGTH * 1.01 : 0;
      if (process.env.SHOW_SIZES) console.log(`${format}: ${usual.length} characters for normal names, ${out.length} for 1.25 MB names`);
      expect(out.length).toBeLessThan(2 * usual.length + long.findings.length * 4 * DISPLAY_MAX + fullNames);
    });
  }

  it("json: each full name appears exactly once (fullNames), and findings carry the bounded form", () => {
    const json = JSON.parse(render("json", long)) as AuditReport;
    expect(json.fullNames).toHaveLength(INTEGRATIONS);
    const text = render("json", long);
    for (let k = 0; k < INTEGRATIONS; k++) {
      const full = longName(k);
      expect(json.fullNames!.find((n) => n.name === full)).toBeDefined();
      const at = text.indexOf(` END-${k}"`);
      expect(at).toBeGreaterThan(0);
      expect(text.indexOf(` END-${k}"`, at + 1)).toBe(-1);
    }
    expect(JSON.parse(render("json", normal)).fullNames).toBeUndefined();
  });

  it("bounds every other value from Flow a rule quotes: a status message, an auth type, a processing status, source types", () => {
    const huge = "s".repeat(NAME_LENGTH);
    const [base] = generatedDataset(1, 7, NOW.getTime());
    // Within one page's cap (32 MiB), as Flow could send them: 6 MB of single values, 500 source types of 20 KB.
    const types = Array.from({ length: 500 }, (_, k) => ({ source_type_name: `${"t".repeat(10_000)}${k}`, status: "u".repeat(10_000) }));
    const record: InventoryRecord = {
      integration: {
        ...base.integration,
        auth_type: huge,
        processing_status: huge,
        vendor_type: huge,
        enabled_source_types: types,
      } as InventoryRecord["integration"],
      connectionStatus: { status: huge, connected: false, message: huge },
    };
    const report = auditReportOf([record], policy, NOW);
    for (const f of report.findings) {
      expect(f.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
      expect(f.remediation.length).toBeLessThanOrEqual(MESSAGE_MAX);
      expect(JSON.stringify(f.evidence).length).toBeLessThan(500 * 2 * (DISPLAY_MAX + 40) + 1000);
    }
    expect(report.findings.filter((f) => f.message.includes("…")).length).toBeGreaterThan(3);
    expect(render("table", report).length).toBeLessThan(100_000);
  });
});
