/**
 * What the HTML report embeds for its page: `ReportPageData`, built by `htmlData` (html.ts) and
 * read by the page (page.ts and its sections). Both sides import this module, so a field renamed
 * on one side fails to compile on the other. Pure: no DOM and no Node.js, it runs in both.
 */
import type { DataProblem } from "../../../api/validation";
import type { AppliedBaseline, AppliedException } from "../../../rules/types";
import type { HistoryPoint, HistoryView } from "../../history";
import type { AuditReport } from "../../report";

/** Code tables the page decodes findings with (indexes into these lists). */
export const HTML_CODES = {
  status: ["ok", "violation", "not-applicable", "error"],
  disposition: ["failing", "warning", "suppressed", "baselined", "passed", "not-applicable"],
  severity: ["critical", "high", "medium", "low"],
  enforcement: ["mandatory", "advisory", "disabled"],
} as const;

export type Codes = typeof HTML_CODES;
export type PageDisposition = Codes["disposition"][number];

/** Results the findings table hides unless asked ("also passed and not applicable"), and that need no fix. */
const QUIET: ReadonlySet<string> = new Set<PageDisposition>(["passed", "not-applicable"]);

/** Whether a finding with this disposition is quiet: it passed, or its rule did not apply. */
export function isQuiet(disposition: string): boolean {
  return QUIET.has(disposition);
}

/** The URL when it is an absolute http(s) URL, else undefined (no javascript:, data:, relative or malformed links). */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A rule as the page shows it (a rule only findings name, not the report, has its id as title and empty levels). */
export interface PageRule {
  id: string;
  title: string;
  severity: string;
  enforcement: string;
  /** Checked with `safeHref`: an http(s) URL or null. */
  helpUri: string | null;
  description: string;
}

/** An integration findings name: its name and vendor bounded for display. */
export interface PageIntegration {
  id: number;
  name: string;
  vendor: string;
}

/** What a finding has beyond the shared tables: its subject, data problems, and metadata that differs from its rule's. */
export interface PageExtra {
  subject?: string;
  dataProblems?: DataProblem[];
  severity?: string;
  enforcement?: string;
  /** Checked with `safeHref`: an http(s) URL or null. */
  helpUri?: string | null;
}

/** One finding: indexes into the shared tables of `ReportPageData` (strings that repeat are stored once); held in `PageFindings`. */
export interface PageFinding {
  /** Index into `rules`. */
  rule: number;
  /** Index into `codes.status`. */
  status: number;
  /** Index into `codes.disposition`. */
  disposition: number;
  /** Index into `integrations`; absent for a stack-level finding. */
  integration?: number;
  /** Index into `text`: the message, or with `prefixed` the text after its integration's `integrationPrefix`. */
  message: number;
  /** The message starts with its integration's `integrationPrefix` (src/rules/util.ts), which is not stored (only with `integration`). */
  prefixed?: true;
  /** Index into `evidence`. */
  evidence: number;
  /** Index into `text`. */
  remediation: number;
  /** Index into `exceptions`. */
  exception?: number;
  /** Index into `baselines`. */
  baseline?: number;
  /** Index into `extras`. */
  extra?: number;
}

/** Fields of `PageFinding` that most findings lack. */
const SPARSE = ["exception", "baseline", "extra"] as const;

/**
 * The findings as `ReportPageData` holds them: one array per field of `PageFinding` (element n is
 * the n-th finding's), so 10,000 findings do not repeat the field names 10,000 times; the fields
 * most findings lack map a finding's position to their value. `findingsTable` builds it,
 * `findingAt` reads one finding back.
 */
export interface PageFindings {
  rule: number[];
  status: number[];
  disposition: number[];
  integration: Array<number | null>;
  message: number[];
  /** The findings with an integration whose message is stored whole (it does not start with `integrationPrefix`): few, if any. */
  whole: Record<number, true>;
  evidence: number[];
  remediation: number[];
  exception: Record<number, number>;
  baseline: Record<number, number>;
  extra: Record<number, number>;
}

/** The findings, field by field. */
export function findingsTable(rows: readonly PageFinding[]): PageFindings {
  const t: PageFindings = {
    rule: rows.map((r) => r.rule),
    status: rows.map((r) => r.status),
    disposition: rows.map((r) => r.disposition),
    integration: rows.map((r) => r.integration ?? null),
    message: rows.map((r) => r.message),
    evidence: rows.map((r) => r.evidence),
    remediation: rows.map((r) => r.remediation),
    whole: {},
    exception: {},
    baseline: {},
    extra: {},
  };
  rows.forEach((r, n) => {
    if (r.integration !== undefined && !r.prefixed) t.whole[n] = true;
    for (const k of SPARSE) if (r[k] !== undefined) t[k][n] = r[k];
  });
  return t;
}

/** How many findings the table holds. */
export const findingCount = (t: PageFindings): number => t.rule.length;

/** The n-th finding of the table. */
export function findingAt(t: PageFindings, n: number): PageFinding {
  const row: PageFinding = {
    rule: t.rule[n],
    status: t.status[n],
    disposition: t.disposition[n],
    message: t.message[n],
    evidence: t.evidence[n],
    remediation: t.remediation[n],
  };
  const integration = t.integration[n];
  if (integration !== null) row.integration = integration;
  if (integration !== null && !(n in t.whole)) row.prefixed = true;
  for (const k of SPARSE) if (n in t[k]) row[k] = t[k][n];
  return row;
}

/** The history directory's runs: what the charts draw and what changed since the previous run. */
export interface PageHistory {
  dir: string;
  total: number;
  limit: number;
  runs: number;
  skipped: HistoryView["skipped"];
  previous: NonNullable<HistoryView["previous"]> | null;
  /** Oldest first; the last one is this run. */
  points: Array<Pick<HistoryPoint, "at" | "bySeverity" | "byRule">>;
  /** The rules charted one line each: the report's, then any other a run counted. */
  rules: string[];
}

/** Everything the page shows: the report with shared strings stored once, metadata cleaned, links checked. */
export interface ReportPageData {
  codes: Codes;
  meta: {
    generatedAt: string;
    tool: AuditReport["tool"];
    source: AuditReport["source"];
    policy: AuditReport["policy"];
    personalDataMasked: boolean;
  };
  verdict: { status: string; ok: boolean; text: string };
  summary: AuditReport["summary"];
  rules: PageRule[];
  findings: PageFindings;
  integrations: PageIntegration[];
  text: string[];
  evidence: Array<Record<string, unknown>>;
  exceptions: AppliedException[];
  baselines: AppliedBaseline[];
  extras: PageExtra[];
  warnings: DataProblem[];
  baseline: NonNullable<AuditReport["baseline"]> | null;
  diff: NonNullable<AuditReport["diff"]> | null;
  history: PageHistory | null;
}
