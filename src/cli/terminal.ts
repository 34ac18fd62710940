/**
 * Text for people at a terminal, shared by the table report, flow-audit's messages and the
 * demo (scripts/demo.mjs): the width to wrap at, word wrapping measured in terminal cells, the
 * one fix a group of findings shares, and counts in words ("1 integration", "2 integrations").
 */
import wrapAnsi from "wrap-ansi";

/** Width used when neither the terminal nor `COLUMNS` says one (logs, files, pipes). */
export const DEFAULT_WIDTH = 100;
/** Narrowest width wrapped to (a narrower report would be a column of single words). */
export const MIN_WIDTH = 40;

/** The width to wrap at: the terminal's columns when stdout is one, else `COLUMNS`, else 100; never below 40. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }, env: Record<string, string | undefined> = {}): number {
  const fromEnv = Number(env.COLUMNS);
  const columns =
    stream.isTTY === true && Number.isInteger(stream.columns) && stream.columns! > 0
      ? stream.columns!
      : Number.isInteger(fromEnv) && fromEnv > 0
        ? fromEnv
        : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, columns);
}

/**
 * Wraps text at word boundaries into lines of at most `width` terminal cells (wide East Asian
 * characters and emoji count two). A word longer than a whole line (a URL) is broken; no text
 * is dropped. Whitespace at line breaks is dropped, so joining the lines with single spaces
 * gives the text back with its whitespace normalised.
 */
export function wrap(text: string, width: number): string[] {
  return wrapAnsi(text, Math.max(1, width), { hard: true, trim: true }).split("\n");
}

/**
 * Lines of `text` after an ASCII `prefix` (e.g. "  FAIL  "), wrapped to `width` cells with
 * continuation lines indented to where the text starts. `paint` colours the prefix and the
 * text of each line separately, so a colour never spans a line break.
 */
export function hanging(prefix: string, text: string, width: number, paint: { prefix?: (s: string) => string; text?: (s: string) => string } = {}): string[] {
  const indent = " ".repeat(prefix.length);
  const paintText = paint.text ?? ((s: string) => s);
  return wrap(text, width - prefix.length).map((line, i) => `${i === 0 ? (paint.prefix ?? paintText)(prefix) : indent}${paintText(line)}`);
}

/**
 * Appends `more` to `lines` one by one. `lines.push(...more)` passes every line as an argument,
 * and a long enough list (a group of thousands of findings) overflows the call stack.
 */
export function append(lines: string[], more: readonly string[]): string[] {
  for (const line of more) lines.push(line);
  return lines;
}

/** The fix a group of findings shares, when every one has the same; undefined when they differ (each shows its own). */
export function sharedFix(remediations: readonly string[]): string | undefined {
  return remediations.length > 0 && remediations.every((r) => r === remediations[0]) ? remediations[0] : undefined;
}

/** "fix" for one finding, "fix (both)" or "fix (all 3)" for a fix several findings share. */
export function fixLabel(findings: number): string {
  return findings <= 1 ? "fix" : `fix (${findings === 2 ? "both" : `all ${findings}`})`;
}

/** Counts in words, shared with every room (src/api/text.ts); re-exported for the demo. */
export { count, plural } from "../api/text";
