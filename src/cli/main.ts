/**
 * flow-audit as a pipeline: parse → policy → read → evaluate → baseline → report → write, each
 * step a function of its own file (read.ts, evaluate.ts, baseline.ts, history.ts and
 * locations.ts, output.ts), and the verdict (verdict.ts).
 */
import * as path from "node:path";
import { packageVersion } from "../api/version";
import { loadPolicy } from "../config/policy-file";
import { rules } from "../rules/index";
import type { Baseline } from "../rules/baseline";
import type { FlowPolicy } from "../rules/types";
import { parseAuditArgs, USAGE, type AuditArgs } from "./args";
import { baselineToRewrite, inScope, saveBaseline, withBaselineOption } from "./baseline";
import { evaluate } from "./evaluate";
import { historyOf, prepareHistoryDir, saveHistorySnapshot, type HistoryView } from "./history";
import { sayTo, type AuditIO, type Say } from "./io";
import { renderRuleList } from "./list-rules";
import { sarifLocations, type Locate } from "./locations";
import { checkOutputs, toStdout, writeChunks, writeReports } from "./output";
import { loadRecords, withPersonalDataSetting, type ReadResult } from "./read";
import type { AuditReport } from "./report";
import { makeSnapshot, readSnapshot, saveSnapshot, type Snapshot } from "./snapshot";
import { terminalWidth } from "./terminal";
import { EXIT, failureCode, verdictCode, warningLines } from "./verdict";

export { EXIT } from "./verdict";
export type { AuditIO } from "./io";

const VERSION = packageVersion();

/** Runs flow-audit and returns its exit code (never throws, never prints the token). */
export async function runAudit(argv: string[], io: AuditIO): Promise<number> {
  const say = sayTo(io);
  let args: AuditArgs;
  try {
    args = parseAuditArgs(argv);
  } catch (e) {
    say(`flow-audit: ${(e as Error).message}\nRun flow-audit --help for usage.`);
    return EXIT.usage;
  }
  if (args.help || args.version) return helpOrVersion(args, io, say);
  try {
    return await audit(args, io, say);
  } catch (e) {
    return failureCode(e, say);
  }
}

async function audit(args: AuditArgs, io: AuditIO, say: Say): Promise<number> {
  const now = io.now?.() ?? new Date();
  // Everything that can be wrong locally is checked before the (possibly long) read.
  const policy = policyStep(args, io);
  const earlier = args.writeBaseline ? baselineToRewrite(args, policy, io.cwd, now) : undefined;
  if (args.listRules) return listRules(args, policy, io);
  const local = checkLocalFiles(args, io.cwd);
  const run = withPersonalDataSetting(args, io.env, say);
  const read = await loadRecords(run, io, say);
  io.afterRead?.();
  const saved = saveSnapshots(run, read, local.historyAbs, io.cwd, now);
  const evaluated = evaluate(run, policy, read, local.before, now);
  const report = baselineStep(run, policy, read, evaluated, { earlier, cwd: io.cwd, now, say });
  const view = reportView(run, policy, report, { read, saved, historyAbs: local.historyAbs, cwd: io.cwd, now, say });
  await writeReports(report, run, view, io);
  return verdict(run, read, report, say);
}

/** The policy file (found or given), with the baseline given with --baseline in force. */
function policyStep(args: AuditArgs, io: AuditIO): FlowPolicy {
  return withBaselineOption(loadPolicy({ explicit: args.policyFile, env: io.env, baseDir: io.cwd }), args, io.cwd);
}

async function helpOrVersion(args: AuditArgs, io: AuditIO, say: Say): Promise<number> {
  try {
    await writeChunks(io.stdout, [args.help ? USAGE : `${VERSION}\n`], undefined);
    return EXIT.pass;
  } catch (e) {
    say(`flow-audit: cannot write to stdout (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return EXIT.usage;
  }
}

async function listRules(args: AuditArgs, policy: FlowPolicy, io: AuditIO): Promise<number> {
  await toStdout(io, [renderRuleList(rules, policy, args.format === "json" ? "json" : "table", terminalWidth(io.stdout, io.env))]);
  return EXIT.pass;
}

/** The files the run reads or writes besides the policy and the baseline, checked before the read. */
function checkLocalFiles(args: AuditArgs, cwd: string): { before?: Snapshot; historyAbs?: string } {
  const before = args.diffAgainst ? readSnapshot(path.resolve(cwd, args.diffAgainst)) : undefined;
  checkOutputs(args.outputs, cwd);
  const historyAbs = args.historyDir ? prepareHistoryDir(args.historyDir, cwd) : undefined;
  return { before, historyAbs };
}

interface SavedSnapshots {
  snapshotOut?: { file: string; snapshot: Snapshot };
  /** This run's file name in --history-dir. */
  historyFile?: string;
}

/** Saves what was read: --snapshot-out, and this run's snapshot in --history-dir. */
function saveSnapshots(args: AuditArgs, read: ReadResult, historyAbs: string | undefined, cwd: string, now: Date): SavedSnapshots {
  if (!args.snapshotOut && !historyAbs) return {};
  const snapshot = makeSnapshot(read.records, read.source.location, !args.showPersonalData, now);
  return {
    snapshotOut: args.snapshotOut ? saveSnapshot(args.snapshotOut, cwd, snapshot) : undefined,
    historyFile: historyAbs ? saveHistorySnapshot(historyAbs, args.historyDir!, snapshot) : undefined,
  };
}

/** With --write-baseline, writes the rewritten (or new) baseline and adds it to the report. */
function baselineStep(
  args: AuditArgs,
  policy: FlowPolicy,
  read: ReadResult,
  report: AuditReport,
  run: { earlier: Baseline | undefined; cwd: string; now: Date; say: Say },
): AuditReport {
  if (!args.writeBaseline) return report;
  return saveBaseline(args, report, run.earlier, inScope(args, policy, read.records, report.findings), run.cwd, run.now, run.say);
}

/** What the formats need besides the report: the history the HTML report charts, and where SARIF results point. */
function reportView(
  args: AuditArgs,
  policy: FlowPolicy,
  report: AuditReport,
  run: { read: ReadResult; saved: SavedSnapshots; historyAbs?: string; cwd: string; now: Date; say: Say },
): { locate?: Locate; history?: HistoryView } {
  const { read, saved, now, say } = run;
  const history = saved.historyFile
    ? historyOf(args, policy, { abs: run.historyAbs!, current: saved.historyFile, records: read.records, findings: report.findings, now }, say)
    : undefined;
  const files = { cwd: run.cwd, policy, outputs: args.outputs, snapshotOut: saved.snapshotOut, snapshotIn: args.fromSnapshot };
  return { locate: sarifLocations(args, report, files, say), history };
}

/** The warnings left to say once the report is delivered, and the exit code. */
function verdict(args: AuditArgs, read: ReadResult, report: AuditReport, say: Say): number {
  // Filter warnings are about the command line itself, so --quiet does not hide them.
  for (const note of read.notes) say(`flow-audit: warning: ${note}`);
  if (!args.quiet) for (const line of warningLines(report.warnings)) say(line);
  return verdictCode(report, say);
}
