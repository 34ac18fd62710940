/** The Findings section: filters, a sortable table, shown 500 rows at a time. */
import { isQuiet, type ReportPageData } from "./data";
import { ranks, who, type Decoded, type Finding } from "./decode";
import { add, badge, el, fmtValue, link, section } from "./dom";

const PAGE = 500;

const COLUMNS = [
  ["disposition", "Result"],
  ["severity", "Severity"],
  ["rule", "Rule"],
  ["integration", "Integration"],
  ["vendor", "Vendor"],
  ["enforcement", "Level"],
  ["message", "Finding"],
] as const;

type Column = (typeof COLUMNS)[number][0];

/** The filters' controls. */
interface Controls {
  rule: HTMLSelectElement;
  severity: HTMLSelectElement;
  vendor: HTMLSelectElement;
  enforcement: HTMLSelectElement;
  disposition: HTMLSelectElement;
  text: HTMLInputElement;
  quiet: HTMLInputElement;
}

/** The findings' order: the default (result, severity, rule, report order), or by a column either way. */
function comparer(D: ReportPageData, state: { sort: Column | "default"; dir: number }) {
  const dispRank = ranks(D.codes.disposition);
  const sevRank = ranks(D.codes.severity);
  const enforcement = D.codes.enforcement as readonly string[];
  const KEYS: Record<Column, (f: Finding) => string | number> = {
    disposition: (f) => dispRank[f.disposition],
    severity: (f) => sevRank[f.severity],
    rule: (f) => f.rule.id,
    integration: (f) => who(f).toLowerCase(),
    vendor: (f) => f.vendor,
    enforcement: (f) => enforcement.indexOf(f.enforcement),
    message: (f) => f.message.toLowerCase(),
  };
  return (a: Finding, b: Finding): number => {
    if (state.sort === "default")
      return dispRank[a.disposition] - dispRank[b.disposition] || sevRank[a.severity] - sevRank[b.severity] || a.rule.i - b.rule.i || a.n - b.n;
    const ka = KEYS[state.sort](a);
    const kb = KEYS[state.sort](b);
    return (ka < kb ? -1 : ka > kb ? 1 : 0) * state.dir || a.n - b.n;
  };
}

/** The findings the filters select (quiet ones only when asked for, or chosen as the result). */
function selector(findings: readonly Finding[], controls: Controls) {
  const haystacks: string[] = [];
  const haystack = (f: Finding) =>
    (haystacks[f.n] ??= [who(f), f.vendor, f.rule.id, f.message, JSON.stringify(f.evidence), f.remediation, f.exception ? f.exception.reason : ""]
      .join("\n")
      .toLowerCase());
  return (): Finding[] => {
    const q = controls.text.value.trim().toLowerCase();
    const want = {
      rule: controls.rule.value,
      severity: controls.severity.value,
      vendor: controls.vendor.value,
      enforcement: controls.enforcement.value,
      disposition: controls.disposition.value,
    };
    return findings.filter((f) => {
      if (want.disposition ? f.disposition !== want.disposition : isQuiet(f.disposition) && !controls.quiet.checked) return false;
      if (want.rule && f.rule.id !== want.rule) return false;
      if (want.severity && f.severity !== want.severity) return false;
      if (want.vendor && f.vendor !== want.vendor) return false;
      if (want.enforcement && f.enforcement !== want.enforcement) return false;
      return !q || haystack(f).includes(q);
    });
  };
}

/** Why a finding does not fail: its exception, or the baseline that tolerates it. */
function why(f: Finding): HTMLElement | null {
  if (f.exception) {
    const e = f.exception;
    return el("div", { class: "why" }, el("b", null, e.state === "active" ? "Exception" : "Expired exception"), ` until ${e.expires}: ${e.reason}`);
  }
  if (f.baseline) return el("div", { class: "why" }, el("b", null, `Baseline ${f.baseline.state}`), ` (${f.baseline.file}, until ${f.baseline.expires})`);
  return null;
}

/** The Finding column: the message, evidence and data problems, the fix (unless quiet), and why it does not fail. */
function findingCell(f: Finding): HTMLElement {
  const ev = Object.keys(f.evidence).map((k) => el("li", null, el("code", null, k), ": ", el("span", { class: "mono" }, fmtValue(f.evidence[k]))));
  const problems = (f.dataProblems || []).map((p) => el("li", null, `Unusable data: ${p.document} ${p.path}: expected ${p.expected}, got ${p.got}`));
  return el(
    "td",
    { class: "msg" },
    el("div", null, f.message),
    ev.length || problems.length ? el("ul", { class: "evidence" }, ev, problems) : null,
    isQuiet(f.disposition) ? null : el("div", { class: "fix" }, el("b", null, "Fix: "), f.remediation, " ", link(f.helpUri, "Rule documentation")),
    why(f),
  );
}

/** One finding's row. */
function findingRow(f: Finding): HTMLElement {
  const attrs = {
    class: "finding",
    "data-rule": f.rule.id,
    "data-severity": f.severity,
    "data-disposition": f.disposition,
    "data-enforced": f.notEnforced ? "false" : null,
    "data-vendor": f.vendor,
  };
  return el(
    "tr",
    attrs,
    el("td", null, badge(f.disposition, f.disposition), f.notEnforced ? [" ", badge("not enforced", "not-enforced")] : null),
    el("td", null, badge(f.severity, f.severity)),
    el("td", null, el("code", null, f.rule.id)),
    el("td", { class: "who" }, f.integration ? [f.integration.name, el("div", { class: "note" }, `id ${f.integration.id}`)] : f.subject || "inventory"),
    el("td", null, f.vendor),
    el("td", null, f.enforcement),
    findingCell(f),
  );
}

/** The filters' controls, with every rule, severity, vendor, level and result to choose from. */
function filterControls(D: ReportPageData, { rules, findings }: Decoded): Controls {
  const C = D.codes;
  const opt = (values: readonly string[], all: string) => [el("option", { value: "" }, all), ...values.map((v) => el("option", { value: v }, v))];
  const vendors = [...new Set(findings.map((f) => f.vendor).filter((v) => v))].sort();
  return {
    rule: el(
      "select",
      { id: "filter-rule" },
      opt(
        rules.map((r) => r.id),
        "all rules",
      ),
    ),
    severity: el("select", { id: "filter-severity" }, opt(C.severity, "all severities")),
    vendor: el("select", { id: "filter-vendor" }, opt(vendors, "all vendors")),
    enforcement: el("select", { id: "filter-enforcement" }, opt(C.enforcement.slice(0, 2), "all levels")),
    disposition: el("select", { id: "filter-disposition" }, opt(C.disposition, "open, suppressed, baselined")),
    text: el("input", { id: "filter-text", type: "search", placeholder: "name, id, message, evidence…" }),
    quiet: el("input", { id: "filter-quiet", type: "checkbox" }),
  };
}

/** The filters' labelled controls. */
function filterBar(c: Controls): HTMLElement {
  return el(
    "div",
    { class: "filters" },
    el("label", null, "Rule", c.rule),
    el("label", null, "Severity", c.severity),
    el("label", null, "Vendor", c.vendor),
    el("label", null, "Level", c.enforcement),
    el("label", null, "Result", c.disposition),
    el("label", null, "Text", c.text),
    el("label", { class: "check" }, c.quiet, "also passed and not applicable"),
  );
}

/** Fills #findings and keeps the table in step with the filters, the sort and "Show more". */
export function renderFindings(D: ReportPageData, decoded: Decoded): void {
  const { findings } = decoded;
  const state: { sort: Column | "default"; dir: number; shown: number } = { sort: "default", dir: 1, shown: PAGE };
  const controls = filterControls(D, decoded);
  const selected = selector(findings, controls);
  const compare = comparer(D, state);
  const tbody = el("tbody");
  const countLine = el("p", { id: "findings-count", class: "note" });
  const more = el("button", { id: "show-more", type: "button" }, "Show more");
  const render = () => {
    const list = selected().sort(compare);
    tbody.textContent = "";
    const frag = document.createDocumentFragment();
    for (const f of list.slice(0, state.shown)) frag.appendChild(findingRow(f));
    tbody.appendChild(frag);
    countLine.textContent = `Showing ${Math.min(list.length, state.shown)} of ${list.length} matching findings (${findings.length} in all).`;
    more.hidden = list.length <= state.shown;
    more.textContent = `Show ${Math.min(PAGE, list.length - state.shown)} more`;
  };
  const heads = COLUMNS.map(([key, title]) => {
    const th = el("th", { "data-sort": key, "aria-sort": "none", scope: "col" }, title);
    th.addEventListener("click", () => {
      state.dir = state.sort === key ? -state.dir : 1;
      state.sort = key;
      for (const h of heads) h.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      render();
    });
    return th;
  });
  const s = section("findings", "Findings");
  add(s, filterBar(controls), countLine, el("table", { class: "grid", id: "findings-table" }, el("thead", null, el("tr", null, heads)), tbody), more);
  const again = () => {
    state.shown = PAGE;
    render();
  };
  for (const k of ["rule", "severity", "vendor", "enforcement", "disposition", "quiet"] as const) controls[k].addEventListener("change", again);
  controls.text.addEventListener("input", again);
  more.addEventListener("click", () => {
    state.shown += PAGE;
    render();
  });
  render();
}
