import * as fs from "node:fs";
import * as path from "node:path";
import type { Dispatcher } from "undici";
import { createFlowClient } from "../api/client";
import { flowConnection } from "../api/connection";
import { FlowApiError, redact } from "../api/errors";
import { terminalSafe } from "../api/ingest";
import { packageVersion } from "../api/version";
import type { InventoryRecord, IntegrationQuery } from "../api/types";
import { describeProblem, type DataProblem } from "../api/validation";
import { enabledRules, evaluateInventory, inventoryProblems, isDataError, ruleSettings, unreadDataProblems } from "../rules/evaluate";
import { rules } from "../rules/index";
import { loadPolicy, PolicyFileError } from "../config/policy-file";
import type { Finding, FlowPolicy } from "../rules/types";
import { parseAuditArgs, USAGE, UsageError, type AuditArgs, type Format } from "./args";
import { diffInventories } from "../inventory/diff";
import { maskPersonalData, showPersonalDataFromEnv } from "../inventory/privacy";
import { buildReport, diffFindings, type AuditReport, type BaselineReport } from "./report";
import { baselineExpired, baselineScope, compareBaseline, rewriteBaseline, type Baseline, type BaselineEntry } from "../rules/baseline";
import { BaselineError, readBaseline, writeBaseline } from "../config/baseline-file";
import { sarifLocator, srcRootUri, type Locate, type RunFiles } from "./locations";
import { renderReport, writeChunks, writeFile, type ReportSink } from "./output";
import { makeSnapshot, readSnapshot, SnapshotError, writeSnapshot, type Snapshot } from "./snapshot";
import { checkFilters, seenIn, unmatched, type Seen } from "./filters";
import { buildHistory, prepareHistoryDir, saveHistorySnapshot, type HistoryView } from "./history";
import { renderRuleList } from "./list-rules";
import { count, plural, terminalWidth } from "./terminal";

/** Exit codes of flow-audit. */
export const EXIT = { pass: 0, violations: 1, usage: 2, incomplete: 3 } as const;

/** Where flow-audit reads and writes (injected by tests; process streams by default). */
export interface AuditIO {
  env: NodeJS.ProcessEnv;
  /** Where reports go (see ReportSink). */
  stdout: ReportSink & { isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  /** The undici dispatcher requests go through (tests; default: the client's shared Agent). */
  dispatcher?: Dispatcher;
  now?: () => Date;
}

const VERSION = packageVersion();

/** Runs flow-audit and returns its exit code (never throws, never prints the token). */
export async function runAudit(argv: string[], io: AuditIO): Promise<number> {
  const token = io.env.FLOW_API_TOKEN;
  const say = (s: string) => io.stderr.write(`${safeLines(redact(s, token))}\n`);
  let args: AuditArgs;
  try {
    args = parseAuditArgs(argv);
  } catch (e) {
    say(`flow-audit: ${(e as Error).message}\nRun flow-audit --help for usage.`);
    return EXIT.usage;
  }
  if (args.help || args.version) {
    try {
      await writeChunks(io.stdout, [args.help ? USAGE : `${VERSION}\n`], undefined);
      return EXIT.pass;
    } catch (e) {
      say(`flow-audit: cannot write to stdout (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return EXIT.usage;
    }
  }
  try {
    return await audit(args, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof PolicyFileError || e instanceof SnapshotError || e instanceof BaselineError) {
      say(`flow-audit: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof FlowApiError && e.kind === "config") {
      say(`flow-audit: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof FlowApiError) {
      say(`flow-audit: the Flow inventory could not be read completely, so nothing was evaluated (a partial read never passes).\n  ${e.message}`);
      return EXIT.incomplete;
    }
    say(`flow-audit: unexpected failure: ${(e as Error)?.stack ?? String(e)}`);
    return EXIT.incomplete;
  }
}

function progressText(p: { integrations: number; statuses: number }): string {
  return `${count(p.integrations, "integration")} read, ${count(p.statuses, "connection status", "connection statuses")}`;
}

function progressReporter(args: AuditArgs, io: AuditIO) {
  const live = !args.quiet && io.stderr.isTTY === true;
  let last = 0;
  return {
    update(p: { integrations: number; statuses: number }) {
      if (!live || Date.now() - last < 100) return;
      last = Date.now();
      io.stderr.write(`\rflow-audit: ${progressText(p)}`);
    },
    done(p: { integrations: number; statuses: number }) {
      if (live) io.stderr.write(`\rflow-audit: ${progressText(p)}\n`);
    },
  };
}

async function readInventory(args: AuditArgs, io: AuditIO): Promise<{ records: InventoryRecord[]; location: string; seen?: Seen }> {
  const connection = flowConnection({ baseUrl: args.apiUrl }, io.env, "set FLOW_API_TOKEN (it is never accepted as a flag)");
  const client = createFlowClient({
    ...connection,
    dispatcher: io.dispatcher,
    concurrency: args.concurrency,
    timeoutMs: args.timeoutMs,
    deadlineMs: args.deadlineMs,
    maxResponseBytes: args.maxResponseBytes,
    maxTotalBytes: args.maxTotalBytes,
    maxRecords: args.maxRecords,
    env: io.env,
  });
  const query: IntegrationQuery = {};
  if (args.vendors.length) query.vendor_type__in = args.vendors.join(",");
  if (args.ids.length) query.id__in = args.ids.join(",");
  const progress = progressReporter(args, io);
  let last = { integrations: 0, statuses: 0 };
  let records: InventoryRecord[];
  let seen: Seen | undefined;
  try {
    records = await client.getInventory(query, {
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    });
    // A filter value that matched nothing: one light listing (ids and vendors only) tells a typo from a filtered-out value.
    const missing = unmatched(args, records);
    if (missing.vendors.length || missing.ids.length) seen = await listSeen(client.listIntegrations({ fields: "vendor_type" }));
  } finally {
    client.close();
  }
  progress.done(last);
  return { records, location: client.baseUrl, seen };
}

async function listSeen(integrations: AsyncIterable<InventoryRecord["integration"]>): Promise<Seen> {
  const all: InventoryRecord["integration"][] = [];
  for await (const i of integrations) all.push(i);
  return seenIn(all);
}

function filterRecords(records: InventoryRecord[], args: AuditArgs): InventoryRecord[] {
  return records.filter(
    (r) => (!args.vendors.length || args.vendors.includes(r.integration.vendor_type)) && (!args.ids.length || args.ids.includes(r.integration.id)),
  );
}

/**
 * The records to evaluate: from a snapshot (offline) or read from Flow; masked unless asked
 * not to. Filter values that match nothing are a usage error; `notes` are the filter warnings.
 */
async function loadRecords(
  args: AuditArgs,
  io: AuditIO,
  say: (s: string) => void,
): Promise<{ records: InventoryRecord[]; source: AuditReport["source"]; notes: string[] }> {
  let records: InventoryRecord[];
  let source: AuditReport["source"];
  let notes: string[];
  if (args.fromSnapshot) {
    const snap = readSnapshot(path.resolve(io.cwd, args.fromSnapshot));
    if (!snap.digest) say(`flow-audit: warning: ${args.fromSnapshot} has no digest (written before pulumi-flow 0.2), so changes to it cannot be detected`);
    records = filterRecords(snap.records, args);
    source = { kind: "snapshot", location: args.fromSnapshot };
    notes = checkFilters(args, records, seenIn(snap.records.map((r) => r.integration)), "in the snapshot");
  } else {
    const read = await readInventory(args, io);
    records = read.records;
    source = { kind: "api", location: read.location };
    notes = checkFilters(args, records, read.seen, "in Flow");
  }
  return { records: args.showPersonalData ? records : maskPersonalData(records), source, notes };
}

/** Evaluates the records (and the diff against an earlier snapshot) into the report every format renders. */
function evaluate(
  args: AuditArgs,
  policy: FlowPolicy,
  records: InventoryRecord[],
  source: AuditReport["source"],
  before: Snapshot | undefined,
  now: Date,
): AuditReport {
  const problems = inventoryProblems(records);
  const findings = evaluateInventory(records, { policy, now, problems });
  let diff: AuditReport["diff"];
  if (before && args.diffAgainst) {
    const old = filterRecords(args.showPersonalData ? before.records : maskPersonalData(before.records), args);
    diff = { against: args.diffAgainst, ...diffInventories(old, records), ...diffFindings(evaluateInventory(old, { policy, now }), findings) };
  }
  return buildReport({
    version: VERSION,
    source,
    policyFile: policy.file,
    policyDigest: policy.digest,
    policyBaseline: policy.baseline,
    failOn: args.failOn,
    personalDataMasked: !args.showPersonalData,
    integrations: records.length,
    rules,
    enforcement: (r) => ruleSettings(policy, r).enforcement,
    findings,
    records,
    warnings: unreadDataProblems(records, { policy, problems }),
    diff,
    baseline: policy.baseline ? { applied: appliedBaseline(policy.baseline, findings, inScope(args, policy, records, findings), now) } : undefined,
    now,
  });
}

/** Which baseline entries this run evaluated (see baselineScope): with --vendor/--id, only the integrations read. */
function inScope(args: AuditArgs, policy: FlowPolicy, records: InventoryRecord[], findings: readonly Finding[]): (e: BaselineEntry) => boolean {
  const filtered = args.vendors.length > 0 || args.ids.length > 0;
  return baselineScope({
    enabledRules: new Set(enabledRules(policy, rules).map((r) => r.id)),
    findings,
    integrations: filtered ? new Set(records.map((r) => r.integration.id)) : undefined,
    subjects: !filtered,
  });
}

function appliedBaseline(
  b: Baseline,
  findings: readonly Finding[],
  evaluated: (e: BaselineEntry) => boolean,
  now: Date,
): NonNullable<BaselineReport["applied"]> {
  return {
    file: b.file,
    createdAt: b.createdAt,
    expires: b.expires,
    expired: baselineExpired(b, now),
    entries: b.entries.length,
    ...compareBaseline(b, findings, evaluated),
  };
}

/** The exit code of a written report, saying why an incomplete evaluation does not pass. */
function verdictCode(report: AuditReport, say: (s: string) => void): number {
  // --fail-on never reports failing findings as failing (summary.passed false) without enforcing them.
  if (report.summary.dataErrors === 0) return report.summary.verdict === "failed" ? EXIT.violations : EXIT.pass;
  const ids = [...new Set(report.findings.filter(isDataError).map((f) => f.integration?.id))].filter((id) => id !== undefined);
  const n = report.summary.dataErrors;
  say(
    `flow-audit: the evaluation is incomplete: Flow sent unusable data for ${plural(ids.length, "integration")} ${ids.join(", ")}, ` +
      `so ${count(n, "rule result")} ${plural(n, "is an error", "are errors")} (see the report); the other integrations were evaluated. An incomplete evaluation never passes (exit 3).`,
  );
  return EXIT.incomplete;
}

async function audit(args: AuditArgs, io: AuditIO): Promise<number> {
  const say = (s: string) => io.stderr.write(`${safeLines(redact(s, io.env.FLOW_API_TOKEN))}\n`);
  const now = io.now?.() ?? new Date();
  // Everything that can be wrong locally is checked before the (possibly long) read.
  let policy = loadPolicy({ explicit: args.policyFile, env: io.env, baseDir: io.cwd });
  if (args.baseline) policy = { ...policy, baseline: readBaseline(path.resolve(io.cwd, args.baseline), args.baseline) };
  const earlier = args.writeBaseline ? baselineToRewrite(args, policy, io.cwd, now) : undefined;
  if (args.listRules) {
    await toStdout(io, [renderRuleList(rules, policy, args.format === "json" ? "json" : "table", terminalWidth(io.stdout, io.env))]);
    return EXIT.pass;
  }
  const before = args.diffAgainst ? readSnapshot(path.resolve(io.cwd, args.diffAgainst)) : undefined;
  for (const o of args.outputs)
    if (fs.existsSync(o.file) && fs.statSync(o.file).isDirectory()) throw new UsageError(`--output ${o.format}=${o.file}: is a directory`);
  const historyAbs = args.historyDir ? prepareHistoryDir(args.historyDir, io.cwd) : undefined;

  const fromEnv = showPersonalDataFromEnv(io.env);
  if (fromEnv.problem) say(`flow-audit: warning: ${fromEnv.problem}`);
  args = { ...args, showPersonalData: args.showPersonalData || fromEnv.show };
  const { records, source, notes } = await loadRecords(args, io, say);
  const snapshotOut = args.snapshotOut
    ? saveSnapshot(args.snapshotOut, io.cwd, makeSnapshot(records, source.location, !args.showPersonalData, now))
    : undefined;
  const historyFile = historyAbs && saveHistorySnapshot(historyAbs, args.historyDir!, makeSnapshot(records, source.location, !args.showPersonalData, now));
  let report = evaluate(args, policy, records, source, before, now);
  if (args.writeBaseline) report = saveBaseline(args, report, earlier, inScope(args, policy, records, report.findings), io.cwd, now, say);
  const history = historyFile ? historyOf(args, policy, { abs: historyAbs, current: historyFile, records, findings: report.findings, now }, say) : undefined;
  const locate = sarifLocations(args, report, { cwd: io.cwd, policy, outputs: args.outputs, snapshotOut, snapshotIn: args.fromSnapshot }, say);
  // Files are not terminals: they wrap at COLUMNS or the default width.
  const render = (format: Format, tty: boolean) =>
    renderReport(format, report, {
      locate,
      srcRoot: srcRootUri(io.cwd),
      tty,
      color: !io.env.NO_COLOR,
      width: terminalWidth(tty ? io.stdout : {}, io.env),
      artifacts: args.outputs,
      history,
    });
  for (const o of args.outputs) await writeFile(path.resolve(io.cwd, o.file), render(o.format, false), io.env.FLOW_API_TOKEN, `--output ${o.format}=${o.file}`);
  await toStdout(io, render(args.format, io.stdout.isTTY === true));
  // Filter warnings are about the command line itself, so --quiet does not hide them.
  for (const note of notes) say(`flow-audit: warning: ${note}`);
  if (!args.quiet) for (const line of warningLines(report.warnings)) say(line);
  return verdictCode(report, say);
}

/**
 * The baseline --write-baseline rewrites: the one in force (--baseline or the policy file's),
 * else the file it names when that exists; undefined for a new baseline, which needs an expiry.
 * Checked before the read, so that a mistake costs no API calls.
 */
function baselineToRewrite(args: AuditArgs, policy: FlowPolicy, cwd: string, now: Date): Baseline | undefined {
  const file = path.resolve(cwd, args.writeBaseline!);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--write-baseline ${args.writeBaseline}: is a directory`);
  if (args.baselineExpires && baselineExpired({ expires: args.baselineExpires }, now))
    throw new UsageError(`--baseline-expires ${args.baselineExpires} is in the past; a baseline applies through its last day (UTC)`);
  const earlier = policy.baseline ?? (fs.existsSync(file) ? readBaseline(file, args.writeBaseline) : undefined);
  if (!earlier && !args.baselineExpires)
    throw new UsageError(
      `--write-baseline ${args.writeBaseline}: a new baseline needs --baseline-expires YYYY-MM-DD (a baseline that never expires only collects findings; choose the day by which they should be fixed)`,
    );
  return earlier;
}

/** Writes the rewritten (or new) baseline and adds what was written to the report. */
function saveBaseline(
  args: AuditArgs,
  report: AuditReport,
  earlier: Baseline | undefined,
  evaluated: (e: BaselineEntry) => boolean,
  cwd: string,
  now: Date,
  say: (s: string) => void,
): AuditReport {
  const next = rewriteBaseline({
    file: args.writeBaseline!,
    earlier,
    findings: report.findings,
    evaluated,
    grow: args.baselineGrow,
    expires: args.baselineExpires,
    now,
  });
  try {
    writeBaseline(path.resolve(cwd, args.writeBaseline!), next.baseline);
  } catch (e) {
    throw new UsageError(`--write-baseline ${args.writeBaseline}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const written = {
    file: args.writeBaseline!,
    expires: next.baseline.expires,
    entries: next.baseline.entries.length,
    kept: next.kept,
    added: next.added,
    dropped: next.dropped,
    notAdded: next.notAdded,
  };
  const changes = earlier
    ? `${count(written.kept, "entry", "entries")} kept, ${written.dropped} dropped (fixed or changed), ${written.added} added` +
      (written.notAdded ? `; ${count(written.notAdded, "new finding")} not added (a baseline only shrinks; --baseline-grow adds them)` : "")
    : "a new baseline";
  say(`flow-audit: wrote ${args.writeBaseline}: ${count(written.entries, "baselined finding")}, expires ${written.expires} (${changes})`);
  if (baselineExpired(next.baseline, now))
    say(
      `flow-audit: warning: ${args.writeBaseline} expired on ${next.baseline.expires}: it tolerates nothing; give --baseline-expires a later day to renew it`,
    );
  return { ...report, baseline: { ...report.baseline, written } };
}

/** The history the HTML report charts (only when an HTML report is written: it evaluates every earlier snapshot). */
function historyOf(
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
      prepare: (records) => filterRecords(args.showPersonalData ? records : maskPersonalData(records), args),
      evaluate: (records, at) => evaluateInventory(records, { policy, now: at, problems: inventoryProblems(records) }),
    },
    warn: (m) => say(`flow-audit: warning: ${m}`),
  });
}

/** Writes to stdout; a failed write is a usage error (nothing was delivered, so it never passes). */
async function toStdout(io: AuditIO, chunks: Iterable<string>): Promise<void> {
  try {
    await writeChunks(io.stdout, chunks, io.env.FLOW_API_TOKEN);
  } catch (e) {
    throw new UsageError(
      `cannot write the report to stdout (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was delivered, so this run does not count as a pass`,
    );
  }
}

/** Writes the snapshot asked for with --snapshot-out, and returns it (SARIF results may point at its records). */
function saveSnapshot(file: string, cwd: string, snapshot: Snapshot): NonNullable<RunFiles["snapshotOut"]> {
  try {
    writeSnapshot(path.resolve(cwd, file), snapshot);
  } catch (e) {
    throw new UsageError(`--snapshot-out ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { file, snapshot };
}

/**
 * Where SARIF results point, when a SARIF report is asked for. When no file can show them, a
 * warning (also with --quiet: it is not progress) says what to add to the run.
 */
function sarifLocations(args: AuditArgs, report: AuditReport, run: RunFiles, say: (s: string) => void): Locate | undefined {
  if (args.format !== "sarif" && !args.outputs.some((o) => o.format === "sarif")) return undefined;
  const locate = sarifLocator(report, run);
  if (!locate && report.findings.some((f) => f.status === "violation" || f.status === "error"))
    say(
      "flow-audit: warning: the SARIF results point at no file, so code scanning has nothing to open; add --output json=FILE (each result then points at its finding there), --snapshot-out FILE or a policy file to this run (see docs/cli.md#where-sarif-results-point)",
    );
  return locate;
}

/** Terminal-safe text, line by line (the line breaks of our own messages stay). */
function safeLines(text: string): string {
  return text.split("\n").map(terminalSafe).join("\n");
}

/** At most 20 warning lines for data problems no rule reads (the JSON report lists them all). */
function warningLines(warnings: DataProblem[]): string[] {
  const lines = warnings
    .slice(0, 20)
    .map((p) => `flow-audit: warning: integration ${p.integrationId}: ${describeProblem(p)} (no enabled rule reads it; ignored)`);
  if (warnings.length > 20) lines.push(`flow-audit: warning: ${count(warnings.length - 20, "more data warning")} in the JSON report`);
  return lines;
}
