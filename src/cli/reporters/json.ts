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
