import type { AuditReport } from "../report";

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/**
 * `--format json` as a sequence of chunks (one per finding), so a report over tens of thousands
 * of integrations is written without ever holding the whole text in memory. Joined, the chunks
 * are exactly `JSON.stringify(report, null, 2)` plus a newline.
 */
export function* jsonChunks(report: AuditReport): Generator<string> {
  const { findings, diff, ...head } = report;
  const headText = JSON.stringify(head, null, 2);
  yield `${headText.slice(0, -2)},\n  "findings": [`;
  for (let i = 0; i < findings.length; i++) yield `${i ? "," : ""}\n    ${indent(JSON.stringify(findings[i], null, 2), "    ")}`;
  yield findings.length ? "\n  ]" : "]";
  if (diff) yield `,\n  "diff": ${indent(JSON.stringify(diff, null, 2), "  ")}`;
  yield "\n}\n";
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * The 1-based line of each element of a JSON array written by `JSON.stringify(…, null, 2)` (at
 * any depth), given the line of the array's opening `[`: each element starts on the line after
 * the previous one ends.
 */
export function arrayElementLines(elements: readonly unknown[], openingLine: number): number[] {
  const lines: number[] = [];
  let line = openingLine + 1;
  for (const e of elements) {
    lines.push(line);
    line += newlines(JSON.stringify(e, null, 2)) + 1;
  }
  return lines;
}

/** The line of each finding's opening `{` in the JSON report (`jsonChunks`), e.g. for SARIF locations. */
export function findingLines(report: AuditReport): number[] {
  const { findings, diff, ...head } = report;
  void diff;
  // jsonChunks writes the head without its closing `\n}`, then `,\n  "findings": [` on the next line.
  return arrayElementLines(findings, newlines(JSON.stringify(head, null, 2)) + 1);
}
