/**
 * The baseline file (flow-audit --write-baseline, --baseline, a policy file's `baseline:`): JSON,
 * one entry per line and sorted, so a shrinking baseline reviews well. What the entries mean is
 * src/rules/baseline.ts.
 */
import * as fs from "node:fs";
import { jsonDepth, MAX_DEPTH } from "../api/ingest";
import { ConfigFileError } from "./file-error";
import { countMembers, lineColumn, memberCount, scanJson, type JsonSegment } from "./json-text";
import { contentDigest, FileReadError, readRegularFile } from "./read-file";
import { baselineKey, type Baseline, type BaselineEntry } from "../rules/baseline";

/** The `kind` of a baseline file. */
export const BASELINE_KIND = "pulumi-flow/baseline";
/** Largest baseline file read: 16 MiB (an entry is ~100 bytes as written: 150,000 findings fit). */
export const MAX_BASELINE_BYTES = 16 * 1024 * 1024;

const FINGERPRINT = /^[0-9a-f]{16}$/;
const ENTRY_KEYS = ["rule", "integration", "subject", "fingerprint"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A baseline file that cannot be used; `message` starts with file:line:column. */
export class BaselineError extends ConfigFileError {}

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

/** The value at a JSON path of parsed JSON, and whether it is there. */
function valueAt(root: unknown, path: readonly JsonSegment[]): { has: boolean; value?: unknown } {
  let v = root;
  for (const k of path) {
    if (!v || typeof v !== "object" || !Object.hasOwn(v, k)) return { has: false };
    v = (v as Record<string | number, unknown>)[k];
  }
  return { has: true, value: v };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The parsed JSON of baseline text: nesting bounded before parsing, no key repeated; errors at their line and column. */
function baselineJson(text: string, file: string): unknown {
  const at = (offset: number, problem: string) => {
    const { line, column } = lineColumn(text, offset);
    return new BaselineError(file, line, column, problem);
  };
  if (jsonDepth(text, MAX_DEPTH) > MAX_DEPTH) throw at(0, `nests more than ${MAX_DEPTH} levels deep; a baseline nests 3 (an object, its entries, each entry)`);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const found = scanJson(text).error;
    throw at(found?.offset ?? 0, `not valid JSON: ${found?.problem ?? (e as Error).message}`);
  }
  // JSON.parse keeps the last of repeated keys; a reviewer may read the first. Counting the
  // members spelled out against those parsed finds repeats without a second parse.
  if (countMembers(root) !== memberCount(text)) {
    const dup = scanJson(text).duplicate;
    if (dup) {
      const where = dup.path.slice(0, -1).reduce<string>((p, s) => (typeof s === "number" ? `${p}[${s}]` : `${p}.${s}`), "$");
      throw at(dup.offset, `not valid JSON: the key '${dup.key}' appears twice in ${where}`);
    }
  }
  return root;
}

/**
 * Parses baseline text (JSON; parsed by JSON.parse, in time linear in its size); every problem
 * names file:line:column and the JSON path. Positions are looked up only for the problem found.
 */
export function parseBaseline(text: string, file: string): Baseline {
  const root = baselineJson(text, file);
  const fail = (path: readonly JsonSegment[], problem: string, key = false): never => {
    const offset = scanJson(text, { path, key }).found ?? 0;
    const { line, column } = lineColumn(text, offset);
    throw new BaselineError(file, line, column, problem);
  };
  /** The path of a value when it is there, else of the nearest enclosing value. */
  const near = (path: readonly JsonSegment[]): readonly JsonSegment[] => (path.length && !valueAt(root, path).has ? near(path.slice(0, -1)) : path);
  if (!isObject(root)) return fail([], `not a pulumi-flow baseline (expected an object with "kind": "${BASELINE_KIND}")`);
  if (root.kind !== BASELINE_KIND) return fail(near(["kind"]), `not a pulumi-flow baseline (expected "kind": "${BASELINE_KIND}")`);
  if (root.version !== 1) return fail(near(["version"]), `unsupported baseline version ${JSON.stringify(root.version ?? null)} (this version reads 1)`);
  const expires = root.expires;
  if (typeof expires !== "string" || !isCalendarDate(expires)) return fail(near(["expires"]), `$.expires must be a date, YYYY-MM-DD`);
  const createdAt = root.createdAt;
  if (!Array.isArray(root.entries)) return fail(near(["entries"]), "$.entries must be an array");
  const seen = new Set<string>();
  const entries = (root.entries as unknown[]).map((item, i): BaselineEntry => {
    const where = `$.entries[${i}]`;
    const path = ["entries", i];
    if (!isObject(item)) return fail(path, `${where} must be an object with rule, integration (or subject) and fingerprint`);
    for (const k of Object.keys(item)) if (!ENTRY_KEYS.includes(k)) fail([...path, k], `${where}: unknown key '${k}'`, true);
    const field = (k: string) => (Object.hasOwn(item, k) ? item[k] : undefined);
    const node = (k: string) => near([...path, k]);
    const rule = field("rule");
    if (typeof rule !== "string" || rule === "") fail(node("rule"), `${where}.rule must be a rule id`);
    const integration = field("integration");
    const subject = field("subject");
    if (integration !== undefined && (!Number.isInteger(integration) || (integration as number) < 0))
      fail(node("integration"), `${where}.integration must be an integration id`);
    if (subject !== undefined && (typeof subject !== "string" || subject === "")) fail(node("subject"), `${where}.subject must be a non-empty string`);
    if ((integration === undefined) === (subject === undefined)) fail(path, `${where} must have exactly one of integration and subject`);
    const fingerprint = field("fingerprint");
    if (typeof fingerprint !== "string" || !FINGERPRINT.test(fingerprint)) fail(node("fingerprint"), `${where}.fingerprint must be 16 hex digits`);
    const entry: BaselineEntry = {
      rule: rule as string,
      ...(integration !== undefined ? { integration: integration as number } : { subject: subject as string }),
      fingerprint: fingerprint as string,
    };
    const key = baselineKey(entry);
    if (seen.has(key)) fail(path, `${where} repeats an earlier entry for ${entry.rule} and ${entry.integration ?? entry.subject}`);
    seen.add(key);
    return entry;
  });
  return { file, createdAt: typeof createdAt === "string" ? createdAt : "", expires, entries };
}

/**
 * Reads a baseline file (see parseBaseline): a regular file of at most MAX_BASELINE_BYTES;
 * `shown` is how messages name it. `digest` is the sha256 of its bytes (contentDigest, as the
 * policy file's), which reports record beside the policy file's.
 */
export function readBaseline(file: string, shown = file): Baseline {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_BASELINE_BYTES);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    throw new BaselineError(shown, 1, 1, e.reason === "unreadable" ? `cannot read the baseline (${e.code ?? e.problem})` : e.problem);
  }
  return { ...parseBaseline(bytes.toString("utf8"), shown), digest: contentDigest(bytes) };
}
