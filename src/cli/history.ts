/**
 * `--history-dir DIR`: every run saves its snapshot there under a sortable UTC name, and the HTML
 * report charts the open findings of the newest HISTORY_LIMIT runs (each snapshot evaluated with
 * this run's policy at its own time) and shows what changed since the previous run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { InventoryRecord } from "../api/types";
import { diffInventories, type InventoryDiff } from "../inventory/diff";
import { evaluateInventory, inventoryProblems, isOpen } from "../rules/evaluate";
import type { Finding, FlowPolicy, Severity } from "../rules/types";
import { UsageError, type AuditArgs } from "./args";
import { asThisRun } from "./filters";
import { diffFindings, type FindingChange } from "./report";
import { readSnapshot, type Snapshot } from "./snapshot";

/** How many runs the HTML report charts at most (the current one included). */
export const HISTORY_LIMIT = 100;

const NAME = /^flow-audit-(\d{8}T\d{6}Z)(?:-(\d+))?\.json$/;
const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** One run in the history: when, which file, and its open findings counted by rule and by severity. */
export interface HistoryPoint {
  at: string;
  file: string;
  integrations: number;
  open: number;
  byRule: Record<string, number>;
  bySeverity: Record<Severity, number>;
}

/** What the HTML report shows about the history directory. */
export interface HistoryView {
  /** The directory, as given on the command line. */
  dir: string;
  /** Oldest first; the last one is this run. */
  points: HistoryPoint[];
  /** History files in the directory, this run's included (more than `points` when over the limit). */
  total: number;
  limit: number;
  /** Files that were skipped, with why. */
  skipped: Array<{ file: string; problem: string }>;
  /** What changed since the previous run, when there is one. */
  previous?: { file: string; at: string } & InventoryDiff & { findingsAppeared: FindingChange[]; findingsResolved: FindingChange[] };
}

/** `flow-audit-20261130T081500Z.json` for a run at that time, `-2`, `-3`… after it when the name is taken. */
export function historyFileName(at: Date, n = 1): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
  return `flow-audit-${stamp}${n > 1 ? `-${n}` : ""}.json`;
}

/** The sort key of a history file name, or undefined for any other file. */
export function historyKey(name: string): { stamp: string; n: number } | undefined {
  const m = NAME.exec(name);
  return m ? { stamp: m[1], n: m[2] ? Number(m[2]) : 1 } : undefined;
}

/** History file names oldest first (by time, then by collision suffix), and the other names. */
export function sortHistoryNames(names: readonly string[]): { history: string[]; foreign: string[] } {
  const keyed = names.map((name) => ({ name, key: historyKey(name) }));
  const history = keyed
    .filter((k): k is { name: string; key: { stamp: string; n: number } } => k.key !== undefined)
    .sort((a, b) => (a.key.stamp === b.key.stamp ? a.key.n - b.key.n : a.key.stamp < b.key.stamp ? -1 : 1))
    .map((k) => k.name);
  return { history, foreign: keyed.filter((k) => !k.key).map((k) => k.name) };
}

/** Open findings counted by rule and severity. */
export function historyPoint(at: string, file: string, integrations: number, findings: readonly Finding[]): HistoryPoint {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  let open = 0;
  for (const f of findings) {
    if (!isOpen(f)) continue;
    open++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
  }
  return { at, file, integrations, open, byRule, bySeverity };
}

/**
 * Checks `--history-dir` before anything is read: it is created when missing; a file, or a
 * directory that cannot be written, is a usage error. Returns the resolved path.
 */
export function prepareHistoryDir(dir: string, cwd: string): string {
  if (!dir) throw new UsageError("--history-dir needs a directory");
  const abs = path.resolve(cwd, dir);
  const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) throw new UsageError(`--history-dir ${dir}: is not a directory`);
  try {
    fs.mkdirSync(abs, { recursive: true });
    fs.accessSync(abs, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    throw new UsageError(`--history-dir ${dir}: cannot write to it (${why(e)})`);
  }
  return abs;
}

/** Saves a snapshot under a new history name (never overwrites: a taken name gets a suffix); returns the name. */
export function saveHistorySnapshot(abs: string, dir: string, snapshot: Snapshot): string {
  const at = new Date(snapshot.createdAt);
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  for (let n = 1; ; n++) {
    const name = historyFileName(at, n);
    try {
      fs.writeFileSync(path.join(abs, name), text, { flag: "wx" });
      return name;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && n < 1000) continue;
      throw new UsageError(`--history-dir ${dir}: cannot write ${name} (${code ?? (e as Error).message})`);
    }
  }
}

/** The history files in a directory, oldest first, and its other entries. */
export function listHistory(abs: string): { history: string[]; foreign: string[] } {
  return sortHistoryNames(fs.readdirSync(abs));
}

/** How a snapshot is evaluated for the history: this run's policy, filters and masking, at the snapshot's time. */
export interface HistoryEvaluation {
  /** The records as this run would evaluate them (filters, masking). */
  prepare(records: InventoryRecord[]): InventoryRecord[];
  evaluate(records: InventoryRecord[], at: Date): Finding[];
}

/**
 * Builds the history view: reads the newest earlier snapshots (at most HISTORY_LIMIT - 1; one
 * at a time, keeping only counts), skipping unreadable ones through `warn`, then this run.
 */
export function buildHistory(input: {
  abs: string;
  dir: string;
  /** This run's file name in the directory. */
  current: string;
  currentRecords: InventoryRecord[];
  currentFindings: Finding[];
  now: Date;
  evaluation: HistoryEvaluation;
  warn: (message: string) => void;
}): HistoryView {
  const { history, foreign } = listHistory(input.abs);
  const skipped: HistoryView["skipped"] = foreign.map((file) => ({ file, problem: "not a flow-audit history file (flow-audit-<UTC time>.json)" }));
  const earlier = history.filter((f) => f !== input.current);
  const shown = earlier.slice(-(HISTORY_LIMIT - 1));
  const points: HistoryPoint[] = [];
  let last: { file: string; at: Date; records: InventoryRecord[]; findings: Finding[] } | undefined;
  for (const file of shown) {
    let snap: Snapshot;
    try {
      snap = readSnapshot(path.join(input.abs, file));
    } catch (e) {
      skipped.push({ file, problem: (e as Error).message.replace(`${path.join(input.abs, file)}: `, "") });
      continue;
    }
    const at = Number.isNaN(Date.parse(snap.createdAt)) ? new Date(0) : new Date(snap.createdAt);
    const records = input.evaluation.prepare(snap.records);
    const findings = input.evaluation.evaluate(records, at);
    points.push(historyPoint(at.toISOString(), file, records.length, findings));
    last = { file, at, records, findings };
  }
  const previous: HistoryView["previous"] = last && {
    file: last.file,
    at: last.at.toISOString(),
    ...diffInventories(last.records, input.currentRecords),
    ...diffFindings(last.findings, input.currentFindings),
  };
  for (const s of skipped) input.warn(`--history-dir ${input.dir}: skipped ${s.file}: ${s.problem}`);
  points.push(historyPoint(input.now.toISOString(), input.current, input.currentRecords.length, input.currentFindings));
  return { dir: input.dir, points, total: history.length, limit: HISTORY_LIMIT, skipped, ...(previous ? { previous } : {}) };
}

/** The history the HTML report charts (only when an HTML report is written: it evaluates every earlier snapshot). */
export function historyOf(
  args: AuditArgs,
  policy: FlowPolicy,
  run: { abs: string; current: string; records: InventoryRecord[]; findings: Finding[]; now: Date },
  say: (s: string) => void,
): HistoryView | undefined {
  if (args.format !== "html" && !args.outputs.some((o) => o.format === "html")) return undefined;
  return buildHistory({
    abs: run.abs,
    dir: args.historyDir!,
    current: run.current,
    currentRecords: run.records,
    currentFindings: run.findings,
    now: run.now,
    evaluation: {
      prepare: (records) => asThisRun(records, args),
      evaluate: (records, at) => evaluateInventory(records, { policy, now: at, problems: inventoryProblems(records) }),
    },
    warn: (m) => say(`flow-audit: warning: ${m}`),
  });
}
