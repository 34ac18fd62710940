/** The Counts section: findings by rule (with the levels in force), severity, enforcement and vendor. */
import type { ReportPageData } from "./data";
import { ranks, type Decoded, type Finding } from "./decode";
import { add, badge, el, link, section, table, type Head } from "./dom";

type Tally = Record<string, Record<string, number>>;

/** The findings counted by `key` and disposition. */
function tally(findings: readonly Finding[], key: (f: Finding) => string): Tally {
  const m: Tally = {};
  for (const f of findings) {
    const row = (m[key(f)] ??= {});
    row[f.disposition] = (row[f.disposition] || 0) + 1;
  }
  return m;
}

/** Fills #summary. */
export function renderSummary(D: ReportPageData, { rules, findings }: Decoded): void {
  const C = D.codes;
  const s = section("summary", "Counts");
  if (!D.summary.enforced) {
    const text = "Failing findings are counted as failing: they fail the policy. --fail-on never only keeps this run from enforcing them (exit code 0).";
    add(s, el("p", { class: "note", id: "not-enforced-note" }, text));
  }
  const dispHead: Head[] = C.disposition.map((d) => ({ text: d, num: true }));
  const cells = (row: Record<string, number> | undefined) => C.disposition.map((d) => (row && row[d]) || 0);
  const byRule = tally(findings, (f) => f.rule.id);
  const ruleRows = rules
    .filter((r) => r.enforcement || byRule[r.id])
    .map((r) => [
      [el("code", null, link(r.helpUri, r.id)), " ", el("span", { class: "note" }, r.title)],
      badge(r.severity, r.severity),
      r.enforcement,
      ...cells(byRule[r.id]),
    ]);
  add(s, el("h3", null, "By rule (levels as the policy sets them)"), table(["Rule", "Severity", "Level", ...dispHead], ruleRows, { id: "counts-rule" }));
  const by = (key: (f: Finding) => string, label: string, order?: (k: string) => number) => {
    const m = tally(findings, key);
    return Object.keys(m)
      .sort((a, b) => (order ? order(a) - order(b) : a < b ? -1 : a > b ? 1 : 0))
      .map((k) => [label, k, ...cells(m[k])]);
  };
  const sevRank = ranks(C.severity);
  const other = [
    ...by(
      (f) => f.severity,
      "severity",
      (k) => sevRank[k],
    ),
    ...by(
      (f) => f.enforcement,
      "enforcement",
      (k) => (C.enforcement as readonly string[]).indexOf(k),
    ),
    ...by((f) => f.vendor || "(inventory)", "vendor"),
  ];
  add(s, el("h3", null, "By severity, enforcement and vendor"), table(["", "", ...dispHead], other, { id: "counts-other" }));
}
