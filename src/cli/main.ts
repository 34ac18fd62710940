import * as fs from "node:fs";
import * as path from "node:path";
import type { Dispatcher } from "undici";
import { createFlowClient, DEFAULT_FLOW_API_URL } from "../api/client";
import { FlowApiError, redact } from "../api/errors";
import { terminalSafe } from "../api/ingest";
import type { InventoryRecord, IntegrationQuery } from "../api/types";
import { describeProblem, type DataProblem } from "../api/validation";
import { evaluateInventory, inventoryProblems, isDataError, unreadDataProblems } from "../rules/evaluate";
import { rules } from "../rules/index";
import { loadPolicy, PolicyFileError } from "../rules/policy";
import { parseAuditArgs, USAGE, UsageError, type AuditArgs, type Format } from "./args";
import { maskPersonalData } from "./personal-data";
import { buildReport, diffFindings, type AuditReport } from "./report";
import { jsonChunks } from "./reporters/json";
import { renderJunit } from "./reporters/junit";
import { renderMarkdown } from "./reporters/markdown";
import { renderSarif } from "./reporters/sarif";
import { renderTable } from "./reporters/table";
import { diffInventories, makeSnapshot, readSnapshot, SnapshotError, writeSnapshot } from "./snapshot";

/** Exit codes of flow-audit. */
export const EXIT = { pass: 0, violations: 1, usage: 2, incomplete: 3 } as const;

/** Where flow-audit reads and writes (injected by tests; process streams by default). */
export interface AuditIO {
  env: NodeJS.ProcessEnv;
  /** Where reports go; `write` must call its callback (with an error when the write failed), as Node streams do. */
  stdout: { write(s: string, done: (e?: Error | null) => void): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  /** The undici dispatcher requests go through (tests; default: the client's shared Agent). */
  dispatcher?: Dispatcher;
  now?: () => Date;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require("../../package.json").version;

class ConfigError extends Error {}

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
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof PolicyFileError || e instanceof SnapshotError) {
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

function progressReporter(args: AuditArgs, io: AuditIO) {
  const live = !args.quiet && io.stderr.isTTY === true;
  let last = 0;
  return {
    update(p: { integrations: number; statuses: number }) {
      if (!live || Date.now() - last < 100) return;
      last = Date.now();
      io.stderr.write(`\rflow-audit: ${p.integrations} integrations read, ${p.statuses} connection statuses`);
    },
    done(p: { integrations: number; statuses: number }) {
      if (live) io.stderr.write(`\rflow-audit: ${p.integrations} integrations read, ${p.statuses} connection statuses\n`);
    },
  };
}

async function readInventory(args: AuditArgs, io: AuditIO): Promise<{ records: InventoryRecord[]; location: string }> {
  const baseUrl = args.apiUrl ?? io.env.FLOW_API_URL ?? DEFAULT_FLOW_API_URL;
  if (!io.env.FLOW_API_TOKEN) throw new ConfigError("no API token: set FLOW_API_TOKEN (a Flow API key, ideally a service account's); it is never accepted as a flag");
  const client = createFlowClient({
    baseUrl,
    token: io.env.FLOW_API_TOKEN,
    dispatcher: io.dispatcher,
    concurrency: args.concurrency,
    timeoutMs: args.timeoutMs,
    deadlineMs: args.deadlineMs,
    maxResponseBytes: args.maxResponseBytes,
    env: io.env,
  });
  const query: IntegrationQuery = {};
  if (args.vendors.length) query.vendor_type__in = args.vendors.join(",");
  if (args.ids.length) query.id__in = args.ids.join(",");
  const progress = progressReporter(args, io);
  let last = { integrations: 0, statuses: 0 };
  let records: InventoryRecord[];
  try {
    records = await client.getInventory(query, {
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    });
  } finally {
    client.close();
  }
  progress.done(last);
  return { records, location: client.baseUrl };
}

function filterRecords(records: InventoryRecord[], args: AuditArgs): InventoryRecord[] {
  return records.filter((r) => (!args.vendors.length || args.vendors.includes(r.integration.vendor_type)) && (!args.ids.length || args.ids.includes(r.integration.id)));
}

async function audit(args: AuditArgs, io: AuditIO): Promise<number> {
  const say = (s: string) => io.stderr.write(`${safeLines(redact(s, io.env.FLOW_API_TOKEN))}\n`);
  const now = io.now?.() ?? new Date();
  // Everything that can be wrong locally is checked before the (possibly long) read.
  const policy = loadPolicy({ explicit: args.policyFile, env: io.env, baseDir: io.cwd });
  const before = args.diffAgainst ? readSnapshot(path.resolve(io.cwd, args.diffAgainst)) : undefined;
  for (const o of args.outputs) if (fs.existsSync(o.file) && fs.statSync(o.file).isDirectory()) throw new UsageError(`--output ${o.format}=${o.file}: is a directory`);

  let records: InventoryRecord[];
  let source: AuditReport["source"];
  if (args.fromSnapshot) {
    const snap = readSnapshot(path.resolve(io.cwd, args.fromSnapshot));
    if (!snap.digest) say(`flow-audit: warning: ${args.fromSnapshot} has no digest (written before pulumi-flow 0.2), so changes to it cannot be detected`);
    records = filterRecords(snap.records, args);
    source = { kind: "snapshot", location: args.fromSnapshot };
  } else {
    const read = await readInventory(args, io);
    records = read.records;
    source = { kind: "api", location: read.location };
  }
  if (!args.showPersonalData) records = maskPersonalData(records);
  if (args.snapshotOut) {
    try {
      writeSnapshot(path.resolve(io.cwd, args.snapshotOut), makeSnapshot(records, source.location, !args.showPersonalData, now));
    } catch (e) {
      throw new UsageError(`--snapshot-out ${args.snapshotOut}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  const problems = inventoryProblems(records);
  const findings = evaluateInventory(records, { policy, now, problems });
  const warnings = unreadDataProblems(records, { policy, problems });
  let diff: AuditReport["diff"];
  if (before && args.diffAgainst) {
    const old = filterRecords(args.showPersonalData ? before.records : maskPersonalData(before.records), args);
    diff = { against: args.diffAgainst, ...diffInventories(old, records), ...diffFindings(evaluateInventory(old, { policy, now }), findings) };
  }
  const report = buildReport({
    version: VERSION,
    source,
    policyFile: policy.file,
    failOn: args.failOn,
    personalDataMasked: !args.showPersonalData,
    integrations: records.length,
    rules,
    enforcement: (r) => policy.rules[r.id]?.enforcement ?? r.enforcement,
    findings,
    warnings,
    diff,
    now,
  });
  const render = (format: Format, tty: boolean): Iterable<string> => {
    switch (format) {
      case "json":
        return jsonChunks(report);
      case "sarif":
        return [renderSarif(report, { artifactUri: policy.file ? relativeUri(policy.file, io.cwd) : undefined })];
      case "junit":
        return [renderJunit(report)];
      case "markdown":
        return [renderMarkdown(report)];
      default:
        return [renderTable(report, { color: tty && !io.env.NO_COLOR, width: io.stdout.columns })];
    }
  };
  for (const o of args.outputs) await writeFile(path.resolve(io.cwd, o.file), render(o.format, false), io.env.FLOW_API_TOKEN, `--output ${o.format}=${o.file}`);
  try {
    await writeChunks(io.stdout, render(args.format, io.stdout.isTTY === true), io.env.FLOW_API_TOKEN);
  } catch (e) {
    throw new UsageError(`cannot write the report to stdout (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was delivered, so this run does not count as a pass`);
  }
  if (!args.quiet) for (const line of warningLines(warnings)) say(line);
  if (report.summary.dataErrors > 0) {
    const ids = [...new Set(findings.filter(isDataError).map((f) => f.integration?.id))].filter((id) => id !== undefined);
    say(
      `flow-audit: the evaluation is incomplete: Flow sent unusable data for ${ids.length === 1 ? "integration" : "integrations"} ${ids.join(", ")}, ` +
        `so ${report.summary.dataErrors} ${report.summary.dataErrors === 1 ? "rule result is an error" : "rule results are errors"} (see the report); ` +
        "the other integrations were evaluated. An incomplete evaluation never passes (exit 3).",
    );
    return EXIT.incomplete;
  }
  return report.summary.passed ? EXIT.pass : EXIT.violations;
}

/** Terminal-safe text, line by line (the line breaks of our own messages stay). */
function safeLines(text: string): string {
  return text.split("\n").map(terminalSafe).join("\n");
}

/** At most 20 warning lines for data problems no rule reads (the JSON report lists them all). */
function warningLines(warnings: DataProblem[]): string[] {
  const lines = warnings.slice(0, 20).map((p) => `flow-audit: warning: integration ${p.integrationId}: ${describeProblem(p)} (no enabled rule reads it; ignored)`);
  if (warnings.length > 20) lines.push(`flow-audit: warning: ${warnings.length - 20} more data warnings in the JSON report`);
  return lines;
}

/** Writes a report file; a file that cannot be written is a usage error naming the option. */
async function writeFile(file: string, chunks: Iterable<string>, token: string | undefined, option: string): Promise<void> {
  const stream = fs.createWriteStream(file);
  const failed = new Promise<never>((_, reject) => stream.once("error", (e: NodeJS.ErrnoException) => reject(new UsageError(`${option}: cannot write ${file} (${e.code ?? e.message})`))));
  failed.catch(() => undefined);
  await Promise.race([failed, new Promise<void>((resolve) => stream.once("open", () => resolve()))]);
  await Promise.race([failed, writeChunks(stream, chunks, token)]);
  await Promise.race([failed, new Promise<void>((resolve) => stream.end(() => resolve()))]);
}

/**
 * Writes chunks in ~64 KB batches, each confirmed by the stream before the next (bounded memory;
 * a write error, such as a full disk, rejects instead of being lost).
 */
async function writeChunks(stream: AuditIO["stdout"], chunks: Iterable<string>, token: string | undefined): Promise<void> {
  let batch = "";
  const flush = async () => {
    const text = redact(batch, token);
    batch = "";
    await new Promise<void>((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));
  };
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length >= 65_536) await flush();
  }
  if (batch) await flush();
}

function relativeUri(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel.startsWith("..") ? `file://${file}` : rel.split("\\").join("/");
}
