/** What changed: since the previous run of the history directory (with its charts), and since --diff-against's snapshot. */
import { count } from "../../../api/text";
import { ruleTrend, severityChart, sparkline } from "./chart";
import type { PageHistory, ReportPageData } from "./data";
import { add, byId, el, section, svgElement, table, type Child } from "./dom";

type Diff = NonNullable<ReportPageData["diff"]>;
type Ref = Diff["added"][number];
type Change = Diff["findingsAppeared"][number];

/** A titled list of at most 200 items (and how many more), or nothing when empty. */
function items<T>(title: string, list: readonly T[], fmt: (x: T) => Child): HTMLElement | null {
  if (!list.length) return null;
  const shown = list.slice(0, 200).map((x) => el("li", null, fmt(x)));
  const rest = list.length > 200 ? el("li", null, `… and ${list.length - 200} more`) : null;
  return el("div", null, el("h4", null, `${title} (${list.length})`), el("ul", { class: "diff-list" }, shown, rest));
}

/** The integrations added, removed and changed, and the findings that appeared and were resolved. */
export function diffBlock(d: Diff | NonNullable<PageHistory["previous"]>, title: string): HTMLElement {
  const ref = (i: Ref) => `${i.name} (id ${i.id}, ${i.vendor})`;
  const change = (c: Change) => [el("code", null, c.ruleId), " ", c.message];
  const counts = `Integrations added ${d.added.length}, removed ${d.removed.length}, changed ${d.changed.length}; findings appeared ${d.findingsAppeared.length}, resolved ${d.findingsResolved.length}.`;
  return el(
    "div",
    { class: "diff" },
    el("h3", null, title),
    el("p", null, counts),
    items("Integrations added", d.added, ref),
    items("Integrations removed", d.removed, ref),
    items("Integrations changed", d.changed, (c) => `${ref(c)}: ${c.fields.join(", ")}`),
    items("Findings appeared", d.findingsAppeared, change),
    items("Findings resolved", d.findingsResolved, change),
  );
}

/** The history's charts: open findings per severity, then a table with one line per rule; or why there are none yet. */
function historyCharts(h: PageHistory): Child {
  if (h.points.length < 2) return el("p", { class: "note" }, `This is the first run in ${h.dir}: the charts start with the next run.`);
  const rows = h.rules.map((id) => {
    const t = ruleTrend(h.points, id);
    return [el("code", null, id), svgElement(sparkline(t.values, `${id}: open findings per run`)), t.first, t.last, t.trend];
  });
  const num = (text: string) => ({ text, num: true }) as const;
  return [
    el("h3", null, "Open findings per severity"),
    svgElement(severityChart(h.points)),
    el("h3", null, "Open findings per rule"),
    table(["Rule", "Over the runs", num("First run"), num("This run"), num("Change")], rows),
  ];
}

/** How many runs from where, which snapshots were skipped. */
function historyNote(h: PageHistory): string {
  const over = h.total > h.limit ? ` (the newest ${h.limit} of ${h.total} snapshots there)` : "";
  const skipped = h.skipped.length ? `; skipped: ${h.skipped.map((s) => `${s.file} (${s.problem})`).join("; ")}` : "";
  return `${count(h.runs, "run")} from ${h.dir}${over}${skipped}. Each snapshot is evaluated with this run's policy at its own time.`;
}

/** Fills #history (shown only with --history-dir) and #changes (with --diff-against). */
export function renderChanges(D: ReportPageData): void {
  const h = D.history;
  if (h) {
    byId("history-note").textContent = historyNote(h);
    add(byId("history-charts"), historyCharts(h));
    if (h.previous) add(byId("history-diff"), diffBlock(h.previous, `Since the previous run (${h.previous.file}, ${h.previous.at})`));
  }
  if (D.diff) add(section("changes", `Changes since ${D.diff.against}`), diffBlock(D.diff, `Compared with ${D.diff.against}`));
}
