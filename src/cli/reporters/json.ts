import type { AuditReport } from "../report";

/** `--format json`: the report as documented in docs/cli.md (schema: src/cli/report.schema.json). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
