/**
 * Runs a command in a real pseudo-terminal of a given size, for checks of what a person at a
 * terminal sees (the table report, the demo). util-linux `script` gives the command a pty,
 * `stty` sizes it, so the program sees a TTY stdout and stderr with that many columns (as
 * `process.stdout.columns`). Linux only; needs `script` (util-linux) on PATH.
 *
 *   const r = await runInPty([process.execPath, "scripts/demo.mjs"], { columns: 80 });
 *   expect(overlongLines(r.lines, 80)).toEqual([]);
 */
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { repoRoot } from "./paths";

export interface PtyOptions {
  /** Terminal width in columns (what the program sees as process.stdout.columns). */
  columns: number;
  /** Terminal height (default 50). */
  rows?: number;
  /** Working directory (default the repository root). */
  cwd?: string;
  /**
   * Environment on top of this process's (minus COLUMNS and LINES, which would override the
   * terminal's size); `undefined` removes a variable. TERM defaults to xterm.
   */
  env?: Record<string, string | undefined>;
  /** Set NO_COLOR=1 so well-behaved programs print no colour (output is stripped of escapes anyway). */
  noColor?: boolean;
  /** Kill the command and reject after this many ms (default 120000). */
  timeoutMs?: number;
}

export interface PtyResult {
  /** The command's exit code (`script -e` passes it on). */
  code: number;
  /** Everything the terminal received (stdout and stderr interleaved), escapes and CRs included. */
  raw: string;
  /** The screen's lines: escapes removed, split at CRLF, LF and lone CR (a redrawn progress line counts as its own line). */
  lines: string[];
  /** The lines joined with single spaces and whitespace collapsed: text wrapped over several lines reads back whole. */
  text: string;
}

/** A word for sh: single-quoted. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The visible lines of terminal output (escapes removed; CRLF, LF and lone CR end a line). */
export function screenLines(raw: string): string[] {
  return stripVTControlCharacters(raw).split(/\r?\n|\r/);
}

/** Text with all whitespace (including line breaks) collapsed to single spaces, for "does this sentence appear whole" checks. */
export function normalised(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** The lines wider than `columns` terminal cells (wide characters count two), each as "width: line". */
export function overlongLines(lines: readonly string[], columns: number): string[] {
  return lines.filter((l) => stringWidth(l) > columns).map((l) => `${stringWidth(l)}: ${l}`);
}

/**
 * Runs `command` (argv, quoted for the shell; or a shell command line as one string) in a
 * `columns`-wide pseudo-terminal and resolves with what the terminal showed. Never rejects on
 * the command's exit code; rejects when `script` is missing or the timeout passes.
 */
export function runInPty(command: readonly string[] | string, options: PtyOptions): Promise<PtyResult> {
  const line = typeof command === "string" ? command : command.map(shellQuote).join(" ");
  const sized = `stty cols ${Math.floor(options.columns)} rows ${Math.floor(options.rows ?? 50)}; exec ${line}`;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: "xterm" };
  delete env.COLUMNS;
  delete env.LINES;
  if (options.noColor) env.NO_COLOR = "1";
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    // -q: no "Script started" lines; -f: flush as it comes; -e: exit with the command's code; -c: the command.
    const child = spawn("script", ["-qfec", sized, "/dev/null"], { cwd: options.cwd ?? repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    let raw = "";
    child.stdout.on("data", (d: Buffer) => (raw += d.toString()));
    child.stderr.on("data", (d: Buffer) => (raw += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`${line} did not finish within ${options.timeoutMs ?? 120_000} ms in the pty; it showed:\n${stripVTControlCharacters(raw)}`));
    }, options.timeoutMs ?? 120_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const lines = screenLines(raw);
      resolve({ code: code ?? 1, raw, lines, text: normalised(lines.join(" ")) });
    });
  });
}
