import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { parsePolicy } from "../../../src/config/policy-file";
import type { AuditReport } from "../../../src/cli/report";
import { verdict } from "../../../src/cli/reporters/common";
import { renderTable } from "../../../src/cli/reporters/table";
import { count, DEFAULT_WIDTH, MIN_WIDTH, sharedFix, terminalWidth, wrap } from "../../../src/cli/terminal";
import { rules } from "../../../src/rules/index";
import type { FlowPolicy } from "../../../src/rules/types";
import { demoDataset } from "../../../src/simulator/datasets";
import { auditReportOf } from "../../helpers/reports";
import { another, NOW } from "../rules/fixtures";

const report = (records: InventoryRecord[], policy: FlowPolicy = parsePolicy("version: 1\n")): AuditReport => auditReportOf(records, policy, NOW);

/** Rules enabled by default (the verdict counts them). */
const ENABLED = rules.filter((r) => r.enforcement !== "disabled").length;

/** The whole output with whitespace normalised (wrapping turns a space into a line break and an indent). */
const normalised = (s: string) => s.replace(/\s+/g, " ");
/** The lines of one rule's group in a table. */
const groupOf = (out: string, ruleId: string) => {
  const start = out.indexOf(`${ruleId} (`);
  return out.slice(start, out.indexOf("\n\n", start)).split("\n");
};
/** The first line starting with `prefix` after the line containing `start`. */
const lineAfter = (lines: string[], start: string, prefix: string) =>
  lines.slice(lines.findIndex((l) => l.includes(start)) + 1).find((l) => l.trim().startsWith(prefix));

describe("the table's fixes", () => {
  it("shows each finding its own fix when the fixes differ (not the first finding's under all)", () => {
    // Jira may only use a token: its fix names 'token', GitLab's names the default allowlist.
    const policy = parsePolicy("rules:\n  flow-integration-allowed-auth-type:\n    vendorAllowedAuthTypes: {jira: [token]}\n");
    const r = report(
      [
        another(104, { vendor_type: "gitlab", auth_type: "userpass" }),
        another(110, { vendor_type: "jira", auth_type: "oauth", vendor_meta: { title: "Jira" } }),
      ],
      policy,
    );
    const lines = groupOf(renderTable(r, { width: 200 }), "flow-integration-allowed-auth-type");
    expect(lines.filter((l) => l.includes("fix:"))).toHaveLength(2);
    expect(lineAfter(lines, "(id 104, gitlab)", "fix:")).toBe(
      "        fix: In Flow, reconnect the integration using 'oauth', 'app' or 'token' instead of a stored username and password.",
    );
    expect(lineAfter(lines, "(id 110, jira)", "fix:")).toBe("        fix: In Flow, reconnect the integration using 'token'.");
  });

  it("says a fix every finding of a rule shares once, after them, saying it is for all of them", () => {
    const group = groupOf(renderTable(report(demoDataset(0)), { width: 200 }), "flow-integration-allowed-auth-type");
    expect(group.map((l) => l.trim().slice(0, 16))).toEqual(["flow-integration", "FAIL  Integratio", "FAIL  Integratio", "fix (both): In F"]);
    expect(sharedFix(["a", "a", "a"])).toBe("a");
    expect(sharedFix(["a", "b"])).toBeUndefined();
    expect(sharedFix([])).toBeUndefined();
  });
});

describe("the table's wrapping", () => {
  const hostile = another(120, {
    name: "統合テスト 🚀 Platform Integration With An Extraordinarily Long Name",
    webhooks_enabled: false,
    vendor_type: "github",
    vendor_meta: { title: "GitHub", enable_webhooks: true },
  });
  const url = `https://flow.example.com/${"a".repeat(120)}`;
  const withUrl = another(121, { name: url, auth_type: "userpass" });

  it.each([80, 60, MIN_WIDTH])("keeps every line within %i cells and every message whole", (width) => {
    const r = report([...demoDataset(0), hostile, withUrl]);
    const out = renderTable(r, { width });
    for (const line of out.split("\n")) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
    const open = r.findings.filter((f) => f.status === "violation" || f.status === "error");
    expect(open.length).toBeGreaterThan(10);
    const flat = normalised(out);
    for (const f of open) {
      // A word longer than the line is broken; everything else is cut only between words.
      if (f.message.includes(url)) expect(out.replace(/\s+/g, "")).toContain(f.message.replace(/\s+/g, ""));
      else expect(flat).toContain(normalised(f.message));
      expect(flat.replace(/\s+/g, "")).toContain(f.remediation.replace(/\s+/g, ""));
    }
    expect(out).not.toContain("…");
  });

  it("breaks inside a word only when the word is longer than the line", () => {
    expect(wrap("aaaa bbbb cccc", 9)).toEqual(["aaaa bbbb", "cccc"]);
    const broken = wrap(`see ${url}`, 50);
    expect(broken).toHaveLength(3);
    expect(broken.join("")).toBe(`see ${url}`);
    for (const line of broken) expect(line.length).toBeLessThanOrEqual(50);
    expect(wrap("名前が長い 統合", 10)).toEqual(["名前が長い", "統合"]);
    expect(wrap("🚀🚀 ok", 5)).toEqual(["🚀🚀", "ok"]);
  });

  it("wraps at the terminal's columns, else COLUMNS, else 100, never below 40", () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: "90" })).toBe(132);
    expect(terminalWidth({ isTTY: false, columns: 132 }, { COLUMNS: "90" })).toBe(90);
    expect(terminalWidth({}, { COLUMNS: "wide" })).toBe(DEFAULT_WIDTH);
    expect(terminalWidth({}, {})).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 20 }, {})).toBe(MIN_WIDTH);
    expect(terminalWidth({}, { COLUMNS: "10" })).toBe(40);
  });
});

describe("counts in words", () => {
  it("uses the singular for one", () => {
    expect([0, 1, 2].map((n) => count(n, "integration"))).toEqual(["0 integrations", "1 integration", "2 integrations"]);
    expect(count(1, "connection status", "connection statuses")).toBe("1 connection status");
    const one = report([another(104, { auth_type: "userpass" })]);
    expect(verdict(one)).toMatch(new RegExp(`^FAIL: 1 integration, ${ENABLED} rules, 1 failing at mandatory, 0 other open findings`));
    const out = renderTable(one);
    expect(out).toContain("· 1 violation · 0 errors ·");
    expect(out).not.toMatch(/\b1 (integrations|violations|errors|rules)\b/);
  });

  it("says clearly that nothing was evaluated when there are no integrations", () => {
    const out = renderTable(report([]));
    expect(out).toContain("No integrations were evaluated.");
    expect(out).not.toContain("No violations.");
    expect(out).toContain(`PASS: 0 integrations, ${ENABLED} rules`);
  });
});

describe("the table with a baseline", () => {
  it("says what a baseline tolerates in one line per rule, lists new findings in full, and says why a changed one fails", () => {
    const off = (id: number) => another(id, { webhooks_enabled: false, name: `Repo host ${id}` });
    const records = Array.from({ length: 12 }, (_, i) => off(200 + i));
    const known = { file: "flow-baseline.json", createdAt: NOW.toISOString(), expires: "2026-07-31" };
    const before = auditReportOf(records, parsePolicy("version: 1\n"), NOW);
    const entries = before.findings.filter((f) => f.fingerprint).map((f) => ({ rule: f.ruleId, integration: f.integration!.id, fingerprint: f.fingerprint! }));
    // 200 changed since (its evidence differs), 212 is new.
    const changed = entries.map((e) => (e.integration === 200 ? { ...e, fingerprint: "0".repeat(16) } : e));
    const policy: FlowPolicy = { ...parsePolicy("version: 1\n"), baseline: { ...known, entries: changed } };
    const out = renderTable(auditReportOf([...records, off(212)], policy, NOW), { width: 100 });
    const group = groupOf(out, "flow-integration-webhooks-enabled").join("\n");
    expect(normalised(group)).toContain(
      "BASE 11 known findings baselined in flow-baseline.json until 2026-07-31: Repo host 201 (id 201), Repo host 202 (id 202),",
    );
    expect(normalised(group)).toContain("and 1 more (--format json or html lists them)");
    expect(group.match(/^ {2}FAIL/gm)).toHaveLength(2);
    expect(normalised(group)).toContain("listed in the baseline flow-baseline.json, but its evidence changed since, so it fails as a new finding");
    // (The one-line baseline summary and the verdict's count come from report.baseline, which flow-audit adds: test/integration/cli/baseline.test.ts.)
  });
});
