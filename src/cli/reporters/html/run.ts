/** The Data warnings and Run sections. */
import type { ReportPageData } from "./data";
import { add, el, section, table } from "./dom";

/** Fills #warnings: fields Flow sent in a shape no enabled rule reads (none: the section stays empty). */
export function renderWarnings(D: ReportPageData): void {
  if (!D.warnings.length) return;
  const rows = D.warnings.map((p) => [String(p.integrationId), `${p.document} ${p.path}`, p.expected, p.got]);
  add(section("warnings", `Data warnings (${D.summary.warnings})`), table(["Integration", "Field", "Expected", "Got"], rows));
}

/** Fills #run: when, from where, which tool and policy. */
export function renderRun(D: ReportPageData): void {
  const m = D.meta;
  add(
    section("run", "Run"),
    el(
      "dl",
      { class: "meta", id: "run-meta" },
      el("dt", null, "Generated"),
      el("dd", null, m.generatedAt),
      el("dt", null, m.source.kind === "api" ? "Flow API" : "Snapshot"),
      el("dd", { class: "mono" }, m.source.location),
      el("dt", null, "Tool"),
      el("dd", null, `${m.tool.name} ${m.tool.version}`),
      el("dt", null, "Policy digest"),
      el("dd", { class: "mono" }, m.policy.digest || "—"),
      m.policy.baseline ? [el("dt", null, "Baseline digest"), el("dd", { class: "mono" }, m.policy.baseline.digest || "—")] : null,
      el("dt", null, "Personal data"),
      el("dd", null, m.personalDataMasked ? "masked (user names and emails)" : "shown (--show-personal-data)"),
      el("dt", null, "Integrations"),
      el("dd", null, String(D.summary.integrations)),
    ),
  );
}
