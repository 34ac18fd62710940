/**
 * Baselines: the violations known when a gate was adopted, tolerated until an expiry date as
 * long as their deciding evidence does not change. A baseline only shrinks: rewriting it keeps
 * the entries still violated and drops the fixed ones; new findings are added only on request.
 *
 * An entry is a rule id, the integration id (or the stack-level subject) and a fingerprint of
 * the fields the rule decides on — what the integration looks like in Flow, with personal data
 * masked, never configuration, derived values or the clock — so a baseline file holds no
 * personal data and no secret, and a finding whose evidence changed is no longer "the same".
 * The file format (reading, validating, writing) is src/config/baseline-file.ts.
 */
import { createHash } from "node:crypto";
import type { InventoryRecord } from "../api/types";
import { maskPersonalData } from "../inventory/privacy";
import type { AppliedBaseline, Baseline, BaselineEntry, Finding, Rule } from "./types";

export type { Baseline, BaselineEntry } from "./types";

const DAY = 86_400_000;

/** The key an entry and a finding share: rule, integration id, subject. */
export function baselineKey(x: { rule: string; integration?: number; subject?: string }): string {
  return `${x.rule}\u0000${x.integration ?? ""}\u0000${x.integration === undefined ? (x.subject ?? "") : ""}`;
}

/** A finding's key (see baselineKey). */
export function findingBaselineKey(f: Pick<Finding, "ruleId" | "integration" | "subject">): string {
  return baselineKey({ rule: f.ruleId, integration: f.integration?.id, subject: f.subject });
}

/** JSON with object keys sorted, so the same data always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/** The value at a dotted path (through arrays, element by element), null when absent. */
function at(value: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => at(v, segments));
  if (!value || typeof value !== "object") return null;
  return at((value as Record<string, unknown>)[segments[0]], segments.slice(1));
}

/** The fields a rule reads (its `reads`), from a record with personal data masked. */
function decidingFields(rule: Pick<Rule, "reads">, record: InventoryRecord): Record<string, unknown> {
  const [masked] = maskPersonalData([record]);
  return Object.fromEntries(
    rule.reads.map((read) => {
      const [head, ...rest] = read.split(".");
      return [read, head === "connection_status" ? at(masked.connectionStatus, rest) : at(masked.integration, [head, ...rest])];
    }),
  );
}

/**
 * The fingerprint of a finding's deciding evidence: for a per-integration rule, the fields the
 * rule reads (`reads`) of the integration judged; for a cross-integration rule, the finding's
 * evidence. With the status, as 16 hex digits of SHA-256.
 */
export function fingerprintOf(rule: Pick<Rule, "scope" | "reads">, f: Pick<Finding, "status" | "evidence">, record?: InventoryRecord): string {
  const evidence = rule.scope === "integration" && record ? decidingFields(rule, record) : f.evidence;
  return createHash("sha256")
    .update(canonical([f.status, evidence]))
    .digest("hex")
    .slice(0, 16);
}

/** Whether a baseline still applies at `now`: through its whole last day (UTC). */
export function baselineExpired(b: Pick<Baseline, "expires">, now: Date): boolean {
  return now.getTime() >= Date.parse(`${b.expires}T00:00:00Z`) + DAY;
}

const indexes = new WeakMap<Baseline, Map<string, BaselineEntry>>();

/** The baseline's entries by key. */
export function baselineIndex(b: Baseline): Map<string, BaselineEntry> {
  let index = indexes.get(b);
  if (!index) {
    index = new Map(b.entries.map((e) => [baselineKey(e), e]));
    indexes.set(b, index);
  }
  return index;
}

/**
 * Gives an open violation its fingerprint and, when a baseline is in force, the state of the
 * entry that matches it. Other findings (ok, not applicable, errors, excepted) are returned as they are:
 * a baseline tolerates violations only — an error means a rule could not judge, which is fixed, not adopted.
 */
export function applyBaseline(
  rule: Pick<Rule, "scope" | "reads">,
  f: Finding,
  record: InventoryRecord | undefined,
  baseline: Baseline | undefined,
  now: Date,
): Finding {
  if (f.status !== "violation" || f.exception?.state === "active") return f;
  const fingerprint = fingerprintOf(rule, f, record);
  const entry = baseline && baselineIndex(baseline).get(findingBaselineKey(f));
  // Object.assign, not a spread: V8 gave each spread copy of a finding a map of its own (~360 bytes per violation).
  if (!baseline || !entry) return Object.assign({}, f, { fingerprint });
  const state: AppliedBaseline["state"] = baselineExpired(baseline, now) ? "expired" : entry.fingerprint === fingerprint ? "active" : "changed";
  return { ...f, fingerprint, baseline: { state, expires: baseline.expires, file: baseline.file } };
}

/** The violations a baseline would record: open, or matched by a baseline entry (in any state). */
function recordable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.status === "violation" && f.exception?.state !== "active" && f.fingerprint);
}

function entryOf(f: Finding): BaselineEntry {
  return {
    rule: f.ruleId,
    ...(f.integration ? { integration: f.integration.id } : { subject: f.subject ?? "inventory" }),
    fingerprint: f.fingerprint!,
  };
}

/** How a run's findings stand against a baseline's entries. */
export function compareBaseline(
  baseline: Baseline,
  findings: readonly Finding[],
  evaluated: (e: BaselineEntry) => boolean,
): { resolved: BaselineEntry[]; notEvaluated: number; tolerated: number; changed: number } {
  const present = new Set(recordable(findings).map(findingBaselineKey));
  let notEvaluated = 0;
  const resolved: BaselineEntry[] = [];
  for (const e of baseline.entries) {
    if (!evaluated(e)) notEvaluated++;
    else if (!present.has(baselineKey(e))) resolved.push(e);
  }
  return {
    resolved,
    notEvaluated,
    tolerated: findings.filter((f) => f.baseline?.state === "active").length,
    changed: findings.filter((f) => f.baseline?.state === "changed").length,
  };
}

/** The baseline to write, and how it differs from the one before. */
export interface RewrittenBaseline {
  baseline: Baseline;
  /** Entries of the earlier baseline still violated with the same evidence (or not evaluated in this run). */
  kept: number;
  /** Entries added (all of them for a new baseline; with `grow`, new and changed findings). */
  added: number;
  /** Entries of the earlier baseline dropped: fixed, or changed (without `grow`). */
  dropped: number;
  /** Open violations not added because the baseline only shrinks (no `grow`). */
  notAdded: number;
}

/**
 * The ratchet. Without an earlier baseline: every open violation, until `expires`. With one:
 * its entries that are still violated with the same evidence, and those this run did not
 * evaluate; new findings, and findings whose evidence changed, are added only with `grow`.
 * The expiry stays the earlier one unless `expires` is given.
 */
export function rewriteBaseline(input: {
  file: string;
  earlier?: Baseline;
  findings: readonly Finding[];
  evaluated: (e: BaselineEntry) => boolean;
  grow: boolean;
  expires?: string;
  now: Date;
}): RewrittenBaseline {
  const current = recordable(input.findings).map(entryOf);
  const expires = input.expires ?? input.earlier?.expires;
  if (!expires) throw new Error("a new baseline needs an expiry date");
  const createdAt = input.now.toISOString();
  if (!input.earlier)
    return { baseline: { file: input.file, createdAt, expires, entries: sortEntries(current) }, kept: 0, added: current.length, dropped: 0, notAdded: 0 };
  const now = new Map(current.map((e) => [baselineKey(e), e]));
  const entries: BaselineEntry[] = [];
  let dropped = 0;
  for (const e of input.earlier.entries) {
    const match = now.get(baselineKey(e));
    if (!input.evaluated(e) || match?.fingerprint === e.fingerprint) entries.push(e);
    else dropped++;
  }
  const kept = entries.length;
  const known = new Set(entries.map((e) => `${baselineKey(e)}\u0000${e.fingerprint}`));
  const fresh = current.filter((e) => !known.has(`${baselineKey(e)}\u0000${e.fingerprint}`));
  if (input.grow) entries.push(...fresh);
  return {
    baseline: { file: input.file, createdAt, expires, entries: sortEntries(entries) },
    kept,
    added: input.grow ? fresh.length : 0,
    dropped,
    notAdded: input.grow ? 0 : fresh.length,
  };
}

function sortEntries(entries: BaselineEntry[]): BaselineEntry[] {
  return [...entries].sort(
    (a, b) => a.rule.localeCompare(b.rule) || (a.integration ?? -1) - (b.integration ?? -1) || (a.subject ?? "").localeCompare(b.subject ?? ""),
  );
}

/** What a report says about a finding a baseline matched: tolerated until when, or why it fails anyway. */
export function baselineNote(b: AppliedBaseline): string {
  switch (b.state) {
    case "active":
      return `baselined in ${b.file} until ${b.expires} (known when the gate was adopted, evidence unchanged)`;
    case "changed":
      return `listed in the baseline ${b.file}, but its evidence changed since, so it fails as a new finding`;
    default:
      return `listed in the baseline ${b.file}, which expired on ${b.expires}, so it fails again`;
  }
}

/**
 * Which baseline entries a run evaluated: the rule is enabled, the rule could judge the subject
 * (no error finding for it), and the integration was read (`integrations`; all when undefined) —
 * stack-level subjects only when `subjects`. Entries a run did not evaluate are neither
 * resolved nor dropped from a rewritten baseline.
 */
export function baselineScope(input: {
  enabledRules: ReadonlySet<string>;
  findings: readonly Finding[];
  integrations?: ReadonlySet<number>;
  subjects: boolean;
}): (e: BaselineEntry) => boolean {
  const errors = new Set(input.findings.filter((f) => f.status === "error").map(findingBaselineKey));
  return (e) =>
    input.enabledRules.has(e.rule) &&
    !errors.has(baselineKey(e)) &&
    (e.integration !== undefined ? !input.integrations || input.integrations.has(e.integration) : input.subjects);
}
