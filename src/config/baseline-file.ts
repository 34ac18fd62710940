/**
 * The baseline file (flow-audit --write-baseline, --baseline, a policy file's `baseline:`): JSON,
 * one entry per line and sorted, so a shrinking baseline reviews well. What the entries mean is
 * src/rules/baseline.ts.
 */
import * as fs from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ConfigFileError } from "./file-error";
import { baselineKey, type Baseline, type BaselineEntry } from "../rules/baseline";

/** The `kind` of a baseline file. */
export const BASELINE_KIND = "pulumi-flow/baseline";
/** Largest baseline file read (an entry is ~90 bytes: 100,000 findings fit). */
export const MAX_BASELINE_BYTES = 16 * 1024 * 1024;

const FINGERPRINT = /^[0-9a-f]{16}$/;
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
  const value = (path: Array<string | number>) => doc.getIn(path);
  if (value(["kind"]) !== BASELINE_KIND) return fail(get(["kind"]) ?? root, `not a pulumi-flow baseline (expected "kind": "${BASELINE_KIND}")`);
  if (value(["version"]) !== 1)
    return fail(get(["version"]) ?? root, `unsupported baseline version ${JSON.stringify(value(["version"]) ?? null)} (this version reads 1)`);
  const expires = value(["expires"]);
  if (typeof expires !== "string" || !isCalendarDate(expires)) return fail(get(["expires"]) ?? root, `$.expires must be a date, YYYY-MM-DD`);
  const createdAt = value(["createdAt"]);
  const entriesNode = get(["entries"]);
  if (!isSeq(entriesNode)) return fail(entriesNode ?? root, "$.entries must be an array");
  const seen = new Set<string>();
  const entries = entriesNode.items.map((item, i): BaselineEntry => {
    const where = `$.entries[${i}]`;
    if (!isMap(item)) return fail(item, `${where} must be an object with rule, integration (or subject) and fingerprint`);
    const field = (k: string) => (doc as Document).getIn(["entries", i, k]);
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
