/** The Exceptions applied and Baseline sections. */
import type { ReportPageData } from "./data";
import { who, type Decoded } from "./decode";
import { add, el, section, table } from "./dom";

type Applied = NonNullable<NonNullable<ReportPageData["baseline"]>["applied"]>;
type Written = NonNullable<NonNullable<ReportPageData["baseline"]>["written"]>;

/** Fills #exceptions: the exceptions of the policy file that matched a finding. */
export function renderExceptions({ findings }: Decoded): void {
  const s = section("exceptions", "Exceptions applied");
  const rows = findings.flatMap((f) => {
    const e = f.exception;
    return e ? [[el("code", null, f.rule.id), who(f), e.state, e.reason, e.owner || "—", e.ticket || "—", e.expires]] : [];
  });
  add(
    s,
    rows.length
      ? table(["Rule", "Integration", "State", "Reason", "Owner", "Ticket", "Expires"], rows, { id: "exceptions-table" })
      : el("p", { class: "note" }, "No exception of the policy file matched a finding."),
  );
}

/** The baseline in force: file, digest, dates, entries. */
function appliedMeta(applied: Applied, digest: string | null | undefined): HTMLElement {
  const counts = `${applied.entries} (${applied.tolerated} tolerated, ${applied.changed} with changed evidence, ${applied.resolved.length} resolved, ${applied.notEvaluated} not evaluated in this run)`;
  return el(
    "dl",
    { class: "meta" },
    el("dt", null, "File"),
    el("dd", null, applied.file),
    el("dt", null, "Digest"),
    el("dd", { class: "mono", id: "baseline-digest" }, digest || "—"),
    el("dt", null, "Written"),
    el("dd", null, applied.createdAt),
    el("dt", null, "Expires"),
    el("dd", null, applied.expires + (applied.expired ? " — expired: it tolerates nothing, every finding it lists fails" : "")),
    el("dt", null, "Entries"),
    el("dd", null, counts),
  );
}

/** The baseline in force, the findings it matched and its entries that match nothing any more. */
function renderApplied(b: HTMLElement, D: ReportPageData, applied: Applied, { findings }: Decoded): void {
  add(b, appliedMeta(applied, D.meta.policy.baseline?.digest));
  const rows = findings.flatMap((f) => (f.baseline ? [[el("code", null, f.rule.id), who(f), f.baseline.state, f.baseline.expires, f.message]] : []));
  add(b, el("h3", null, "Baselined findings"));
  add(
    b,
    rows.length
      ? table(["Rule", "Integration", "State", "Expires", "Finding"], rows, { id: "baselined-table" })
      : el("p", { class: "note" }, "No finding matched the baseline."),
  );
  add(b, el("h3", null, "Resolved baseline entries"));
  const byId = new Map(D.integrations.map((i) => [i.id, i]));
  const resolved = applied.resolved.map((r) => {
    const i = r.integration !== undefined ? byId.get(r.integration) : undefined;
    const name = i ? `${i.name} (id ${i.id})` : r.integration !== undefined ? `id ${r.integration}` : r.subject || "inventory";
    return [el("code", null, r.rule), name, el("code", null, r.fingerprint)];
  });
  add(
    b,
    resolved.length
      ? table(["Rule", "Integration", "Fingerprint"], resolved, { id: "resolved-table" })
      : el("p", { class: "note" }, "None: every entry still matches a violation (or was not evaluated)."),
  );
}

/** The baseline written with --write-baseline. */
function writtenLine(w: Written): string {
  return `${w.file}: ${w.entries} entries until ${w.expires} (${w.kept} kept, ${w.added} added, ${w.dropped} dropped, ${w.notAdded} not added)`;
}

/** Fills #baseline. */
export function renderBaseline(D: ReportPageData, decoded: Decoded): void {
  const b = section("baseline", "Baseline");
  const applied = D.baseline?.applied;
  const written = D.baseline?.written;
  if (!applied && !written) add(b, el("p", { class: "note" }, "No baseline was in force in this run."));
  if (applied) renderApplied(b, D, applied, decoded);
  if (written) add(b, el("h3", null, "Baseline written"), el("p", null, writtenLine(written)));
}
