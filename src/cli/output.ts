/** Where flow-audit's reports go: rendering a format, and writing it with bounded memory. */
import * as fs from "node:fs";
import { redact } from "../api/errors";
import * as path from "node:path";
import { UsageError, type AuditArgs, type Format } from "./args";
import type { HistoryView } from "./history";
import type { ReportSink, Stdout } from "./io";
import { srcRootUri, type Locate } from "./locations";
import type { AuditReport } from "./report";
import { renderHtml } from "./reporters/html";
import { jsonChunks } from "./reporters/json";
import { renderJunit } from "./reporters/junit";
import { renderMarkdown } from "./reporters/markdown";
import { renderSarif } from "./reporters/sarif";
import { renderTable } from "./reporters/table";
import { terminalWidth } from "./terminal";

/** How a report is rendered: where SARIF results point, and the terminal the table is for. */
export interface RenderOptions {
  locate?: Locate;
  /** The run's directory as a file: URI ending in `/`, the SARIF `%SRCROOT%` that relative locations are relative to. */
  srcRoot?: string;
  tty: boolean;
  color: boolean;
  width?: number;
  /** The report files written in the same run (as given on the command line), that the Markdown summary points at. */
  artifacts?: ReadonlyArray<{ format: Format; file: string }>;
  /** The runs the HTML report charts (--history-dir). */
  history?: HistoryView;
}

/** A report in one format, as chunks (JSON streams per finding). */
export function renderReport(format: Format, report: AuditReport, o: RenderOptions): Iterable<string> {
  switch (format) {
    case "json":
      return jsonChunks(report);
    case "sarif":
      return [renderSarif(report, { locate: o.locate, srcRoot: o.srcRoot })];
    case "junit":
      return [renderJunit(report)];
    case "markdown":
      return [renderMarkdown(report, { artifacts: o.artifacts })];
    case "html":
      return [renderHtml(report, { history: o.history })];
    default:
      return [renderTable(report, { color: o.tty && o.color, width: o.width })];
  }
}

/** Writes a report file; a file that cannot be written is a usage error naming the option. */
export async function writeFile(file: string, chunks: Iterable<string>, token: string | undefined, option: string): Promise<void> {
  const stream = fs.createWriteStream(file);
  const failed = new Promise<never>((_, reject) =>
    stream.once("error", (e: NodeJS.ErrnoException) => reject(new UsageError(`${option}: cannot write ${file} (${e.code ?? e.message})`))),
  );
  failed.catch(() => undefined);
  await Promise.race([failed, new Promise<void>((resolve) => stream.once("open", () => resolve()))]);
  await Promise.race([failed, writeChunks(stream, chunks, token)]);
  await Promise.race([failed, new Promise<void>((resolve) => stream.end(() => resolve()))]);
}

/**
 * Writes chunks in ~64 KB batches, each confirmed by the stream before the next (bounded memory;
 * a write error, such as a full disk, rejects instead of being lost).
 */
export async function writeChunks(stream: ReportSink, chunks: Iterable<string>, token: string | undefined): Promise<void> {
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

/** Refuses an --output file that is a directory, before the (possibly long) read. */
export function checkOutputs(outputs: AuditArgs["outputs"], cwd: string): void {
  for (const o of outputs) {
    // Resolved as writeReports resolves it: against the run's directory, not the process's.
    const file = path.resolve(cwd, o.file);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--output ${o.format}=${o.file}: is a directory`);
  }
}

/** Writes the report to each --output file, then to stdout. */
export async function writeReports(
  report: AuditReport,
  args: Pick<AuditArgs, "format" | "outputs">,
  view: { locate?: Locate; history?: HistoryView },
  io: { stdout: Stdout; env: NodeJS.ProcessEnv; cwd: string },
): Promise<void> {
  // Files are not terminals: they wrap at COLUMNS or the default width.
  const render = (format: Format, tty: boolean) =>
    renderReport(format, report, {
      locate: view.locate,
      srcRoot: srcRootUri(io.cwd),
      tty,
      color: !io.env.NO_COLOR,
      width: terminalWidth(tty ? io.stdout : {}, io.env),
      artifacts: args.outputs,
      history: view.history,
    });
  for (const o of args.outputs) await writeFile(path.resolve(io.cwd, o.file), render(o.format, false), io.env.FLOW_API_TOKEN, `--output ${o.format}=${o.file}`);
  await toStdout(io, render(args.format, io.stdout.isTTY === true));
}

/** Writes to stdout; a failed write is a usage error (nothing was delivered, so it never passes). */
export async function toStdout(io: { stdout: Stdout; env: NodeJS.ProcessEnv }, chunks: Iterable<string>): Promise<void> {
  try {
    await writeChunks(io.stdout, chunks, io.env.FLOW_API_TOKEN);
  } catch (e) {
    throw new UsageError(
      `cannot write the report to stdout (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was delivered, so this run does not count as a pass`,
    );
  }
}
