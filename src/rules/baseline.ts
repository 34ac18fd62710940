/**
 * Baselines: the violations known when a gate was adopted, tolerated until an expiry date as
 * long as their deciding evidence does not change. A baseline only shrinks: rewriting it keeps
 * the entries still violated and drops the fixed ones; new findings are added only on request.
 *
 * An entry is a rule id, the integration id (or the stack-level subject) and a fingerprint of
 * the fields the rule decides on — what the integration looks like in Flow, with personal data
 * masked, never configuration, derived values or the clock — so a baseline file holds no
 * personal data and no secret, and a finding whose evidence changed is no longer "the same".
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { InventoryRecord } from "../api/types";
import { maskPersonalData } from "../inventory/privacy";
import type { AppliedBaseline, Finding, Rule } from "./types";

/** The `kind` of a baseline file. */
export const BASELINE_KIND = "pulumi-flow/baseline";
/** Largest baseline file read (an entry is ~90 bytes: 100,000 findings fit). */
export const MAX_BASELINE_BYTES = 16 * 1024 * 1024;

const DAY = 86_400_000;
const FINGERPRINT = /^[0-9a-f]{16}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One known finding: rule, what it is about, and the fingerprint of its deciding evidence. */
export interface BaselineEntry {
  rule: string;
  /** The integration id (per-integration findings). */
  integration?: number;
  /** What a stack-level finding is about (e.g. "vendor gitlab"), when it is not one integration. */
  subject?: string;
  /** 16 hex digits of SHA-256 over the rule's deciding evidence (see fingerprintOf). */
  fingerprint: string;
}

/** A baseline file's content. */
export interface Baseline {
  /** The file, as named on the command line or in the policy file. */
  file: string;
  createdAt: string;
  /** The last day (UTC), YYYY-MM-DD, on which it tolerates anything. */
  expires: string;
  entries: BaselineEntry[];
}

/** A baseline file that cannot be used; `message` starts with file:line:column. */
export class BaselineError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
    this.name = "BaselineError";
  }
}

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
  return createHash("sha256").update(canonical([f.status, evidence])).digest("hex").slice(0, 16);
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
  if (!input.earlier) return { baseline: { file: input.file, createdAt, expires, entries: sortEntries(current) }, kept: 0, added: current.length, dropped: 0, notAdded: 0 };
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

/** A baseline as file text: one entry per line, sorted, so that reviews of a shrinking baseline read well. */
export function formatBaseline(b: Baseline): string {
  const lines = b.entries.map((e) => `    ${JSON.stringify(e)}`);
  return [
    "{",
    `  "kind": ${JSON.stringify(BASELINE_KIND)},`,
    `  "version": 1,`,
    `  "createdAt": ${JSON.stringify(b.createdAt)},`,
    `  "expires": ${JSON.stringify(b.expires)},`,
    `  "entries": [${lines.length ? `\n${lines.join(",\n")}\n  ` : ""}]`,
    "}",
    "",
  ].join("\n");
}

/** Writes a baseline file. */
export function writeBaseline(file: string, b: Baseline): void {
  fs.writeFileSync(file, formatBaseline(b));
}

/** Whether a YYYY-MM-DD string is a real calendar date. */
export function isCalendarDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** Parses baseline text; every problem names file:line:column and the JSON path. */
export function parseBaseline(text: string, file: string): Baseline {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const fail = (node: unknown, problem: string): never => {
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const { line, col } = lineCounter.linePos(offset);
    throw new BaselineError(file, line, col, problem);
  };
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new BaselineError(file, line, col, `not valid JSON: ${first.message.split("\n")[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) return fail(root, `not a pulumi-flow baseline (expected an object with "kind": "${BASELINE_KIND}")`);
  const get = (path: Array<string | number>) => doc.getIn(path, true) as Node | undefined;
  const value = (path: Array<string | number>) => doc.getIn(path) as unknown;
  if (value(["kind"]) !== BASELINE_KIND) return fail(get(["kind"]) ?? root, `not a pulumi-flow baseline (expected "kind": "${BASELINE_KIND}")`);
  if (value(["version"]) !== 1) return fail(get(["version"]) ?? root, `unsupported baseline version ${JSON.stringify(value(["version"]) ?? null)} (this version reads 1)`);
  const expires = value(["expires"]);
  if (typeof expires !== "string" || !isCalendarDate(expires)) return fail(get(["expires"]) ?? root, `$.expires must be a date, YYYY-MM-DD`);
  const createdAt = value(["createdAt"]);
  const entriesNode = get(["entries"]);
  if (!isSeq(entriesNode)) return fail(entriesNode ?? root, "$.entries must be an array");
  const seen = new Set<string>();
  const entries = entriesNode.items.map((item, i): BaselineEntry => {
    const where = `$.entries[${i}]`;
    if (!isMap(item)) return fail(item, `${where} must be an object with rule, integration (or subject) and fingerprint`);
    const field = (k: string) => (doc as Document).getIn(["entries", i, k]) as unknown;
    const node = (k: string) => get(["entries", i, k]) ?? item;
    for (const pair of item.items) {
      const k = String(isNode(pair.key) ? (pair.key as { value?: unknown }).value : pair.key);
      if (!["rule", "integration", "subject", "fingerprint"].includes(k)) fail(pair.key, `${where}: unknown key '${k}'`);
    }
    const rule = field("rule");
    if (typeof rule !== "string" || rule === "") fail(node("rule"), `${where}.rule must be a rule id`);
    const integration = field("integration");
    const subject = field("subject");
    if (integration !== undefined && (!Number.isInteger(integration) || (integration as number) < 0))
      fail(node("integration"), `${where}.integration must be an integration id`);
    if (subject !== undefined && (typeof subject !== "string" || subject === "")) fail(node("subject"), `${where}.subject must be a non-empty string`);
    if ((integration === undefined) === (subject === undefined)) fail(item, `${where} must have exactly one of integration and subject`);
    const fingerprint = field("fingerprint");
    if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) fail(node("fingerprint"), `${where}.fingerprint must be 16 hex digits`);
    const entry: BaselineEntry = {
      rule: rule as string,
      ...(integration !== undefined ? { integration: integration as number } : { subject: subject as string }),
      fingerprint: fingerprint as string,
    };
    const key = baselineKey(entry);
    if (seen.has(key)) fail(item, `${where} repeats an earlier entry for ${entry.rule} and ${entry.integration ?? entry.subject}`);
    seen.add(key);
    return entry;
  });
  return { file, createdAt: typeof createdAt === "string" ? createdAt : "", expires, entries };
}

/** Reads a baseline file (see parseBaseline); `shown` is how messages name it. */
export function readBaseline(file: string, shown = file): Baseline {
  let text: string;
  try {
    if (fs.statSync(file).size > MAX_BASELINE_BYTES) throw new BaselineError(shown, 1, 1, `larger than ${MAX_BASELINE_BYTES} bytes`);
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    throw new BaselineError(shown, 1, 1, `cannot read the baseline (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseBaseline(text, shown);
}
