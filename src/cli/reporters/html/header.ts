/** The page's header: the verdict and the policy in force. */
import type { ReportPageData } from "./data";
import { add, badge, byId, el } from "./dom";

/** The policy line: file and digest, baseline, --fail-on, time, integrations, personal data. */
function policyLine(D: ReportPageData): HTMLElement {
  const P = D.meta.policy;
  return el(
    "p",
    { class: "note", id: "policy-line" },
    "Policy: " + (P.file === null ? "the rules' defaults (no policy file)" : P.file),
    P.digest ? [" · ", el("span", { class: "mono" }, P.digest)] : null,
    P.baseline ? [" · baseline " + P.baseline.file, P.baseline.digest ? [" ", el("span", { class: "mono" }, P.baseline.digest)] : null] : null,
    P.failOn === "never"
      ? " · findings judged at mandatory, not enforced (--fail-on never: the run exits 0 unless Flow sent unusable data)"
      : ` · fails on ${P.failOn} (--fail-on ${P.failOn})`,
    ` · ${D.meta.generatedAt} · ${D.summary.integrations} integrations · personal data ${D.meta.personalDataMasked ? "masked" : "shown"}`,
  );
}

/** Fills #top. */
export function renderHeader(D: ReportPageData): void {
  const v = D.verdict;
  add(
    byId("top"),
    el("h1", null, "Flow integration audit"),
    el("div", { class: `verdict ${v.ok ? "good" : "bad"}`, id: "verdict" }, badge(v.status.toUpperCase(), v.status), el("span", null, v.text)),
    policyLine(D),
  );
}
