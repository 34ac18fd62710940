import { parseArgs, type ParseArgsConfig } from "node:util";
import type { FailOn } from "../rules/evaluate";
import { isCalendarDate } from "../config/baseline-file";

/** Report formats. */
export const FORMATS = ["table", "json", "sarif", "junit", "markdown", "html"] as const;
export type Format = (typeof FORMATS)[number];

/** Parsed command line of flow-audit. */
export interface AuditArgs {
  apiUrl?: string;
  policyFile?: string;
  vendors: string[];
  ids: number[];
  failOn: FailOn;
  format: Format;
  outputs: Array<{ format: Format; file: string }>;
  snapshotOut?: string;
  fromSnapshot?: string;
  diffAgainst?: string;
  /** The baseline in force (overrides the policy file's `baseline:`). */
  baseline?: string;
  /** Where to write the rewritten (or new) baseline. */
  writeBaseline?: string;
  /** The written baseline's last day, YYYY-MM-DD. */
  baselineExpires?: string;
  /** Let --write-baseline add new findings to an existing baseline. */
  baselineGrow: boolean;
  /** Directory of run snapshots: each run adds one; the HTML report charts them. */
  historyDir?: string;
  showPersonalData: boolean;
  quiet: boolean;
  /** List the rules (id, level, severity, description) instead of auditing. */
  listRules: boolean;
  concurrency?: number;
  timeoutMs?: number;
  /** Deadline of the whole read, in ms (from --deadline SECONDS, or its old name --timeout). */
  deadlineMs?: number;
  maxResponseBytes?: number;
  /** Budget of response bytes for the whole read (from --max-total-mb). */
  maxTotalBytes?: number;
  /** Most integrations a listing may hold (from --max-integrations). */
  maxRecords?: number;
  help: boolean;
  version: boolean;
}

/** A command-line mistake (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `Usage: flow-audit [options]

Reads every Appfire Flow integration (or a saved snapshot), evaluates the pulumi-flow rules
and the policy file, and writes a report. Exit codes: 0 pass · 1 violations at or above
--fail-on · 2 usage or configuration error · 3 incomplete: the inventory could not be read,
or Flow sent a field a rule needs in an unusable shape (the report names it).

Source
  --api-url URL            Flow API base URL (env FLOW_API_URL; default
                           https://flow.pluralsight.com/v3/customer/core)
                           The API token is read from FLOW_API_TOKEN only (never a flag).
  --from-snapshot FILE     evaluate a snapshot saved with --snapshot-out instead (offline)
  --vendor NAME            only integrations of this vendor (repeat or comma-separate)
  --id N                   only these integration ids (repeat or comma-separate); a vendor or
                           id that matches no integration is a usage error naming it
  --concurrency N          parallel connection-status requests (default 8)
  --timeout-ms N           per-request deadline in ms, headers and whole body (default 30000)
  --deadline SECONDS       deadline of the whole read (default 600); when it passes the run
                           stops with exit code 3 and names the requests still pending
                           (--timeout SECONDS: its old name, still accepted)
  --max-response-mb N      largest response body accepted, decompressed (default 32)
  --max-total-mb N         most response bytes one read may take in all (default 256)
  --max-integrations N     most integrations a listing may hold (default 50000)

Policy
  --policy-file FILE       YAML policy file (env FLOW_POLICY_FILE; default ./flow-policy.yaml
                           when present): rule levels, parameters, exceptions
  --fail-on LEVEL          mandatory (default) | advisory | never
  --baseline FILE          tolerate the violations FILE lists (reported as baselined) until
                           its expiry, while their evidence is unchanged; overrides the policy
                           file's baseline:
  --write-baseline FILE    write the open violations to FILE; an existing baseline (the one in
                           force, else FILE) only shrinks: fixed entries are dropped, new
                           findings are not added
  --baseline-expires DATE  the written baseline's last day, YYYY-MM-DD (required for a new one)
  --baseline-grow          let --write-baseline add new findings to an existing baseline

Output
  --format FORMAT          table (default; wrapped to the terminal, else COLUMNS, else 100
                           columns) | json | sarif | junit | markdown | html, to stdout
  --output FORMAT=FILE     also write FORMAT to FILE (repeatable), e.g. --output sarif=flow.sarif;
                           FILE - is stdout, instead of --format (one report on stdout at most)
  --snapshot-out FILE      save the inventory read (integrations + connection status, no token)
  --diff-against FILE      report what changed since an earlier snapshot (integrations added,
                           removed, changed; findings appeared and resolved)
  --history-dir DIR        also save this run's snapshot in DIR (flow-audit-<UTC time>.json,
                           masked as --snapshot-out); the HTML report charts the findings of
                           the newest 100 and shows what changed since the previous run
  --show-personal-data     do not mask user names and emails (masked by default; env
                           FLOW_SHOW_PERSONAL_DATA=true, which the policy pack reads too)
  -q, --quiet              no progress on stderr (progress is shown only on a terminal)
  --list-rules             list the rules with their level (after the policy file), severity
                           and description, then exit; --format json for JSON
  -h, --help               show this help
  -v, --version            print the version
`;

function list(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function scaled(n: number | undefined, factor: number): number | undefined {
  return n === undefined ? undefined : n * factor;
}

function format(value: string, where: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) throw new UsageError(`${where}: unknown format "${value}" (expected ${FORMATS.join(", ")})`);
  return value as Format;
}

/** The options --list-rules goes with (besides --help and --version, which win). */
const LIST_RULES_OPTIONS = ["list-rules", "policy-file", "format", "quiet", "help", "version"];

/**
 * The one report written to stdout: `--format FORMAT`, or `--output FORMAT=-` (`-` is stdout, as
 * elsewhere; a file named `-` is `./-`), else the table. Two reports on stdout would be one
 * unreadable stream, so asking for two is a usage error.
 */
function reportOnStdout(explicit: string | undefined, outputs: Array<{ format: Format; file: string }>): Format {
  const dashed = outputs.filter((o) => o.file === "-").map((o) => `--output ${o.format}=-`);
  const asked = [...(explicit === undefined ? [] : [`--format ${explicit}`]), ...dashed];
  if (asked.length > 1) throw new UsageError(`${asked.join(" and ")} would all write to stdout; only one report can go there (write the others to files)`);
  return dashed.length ? outputs.find((o) => o.file === "-")!.format : format(explicit ?? "table", "--format");
}

/** The baseline options, checked: --baseline-expires and --baseline-grow go with --write-baseline. */
function baselineOptions(values: {
  baseline?: string;
  "write-baseline"?: string;
  "baseline-expires"?: string;
  "baseline-grow"?: boolean;
}): Pick<AuditArgs, "baseline" | "writeBaseline" | "baselineExpires" | "baselineGrow"> {
  const expires = values["baseline-expires"];
  if (expires !== undefined && !values["write-baseline"])
    throw new UsageError("--baseline-expires sets the expiry of the baseline --write-baseline writes; add --write-baseline FILE");
  if (values["baseline-grow"] && !values["write-baseline"]) throw new UsageError("--baseline-grow goes with --write-baseline FILE");
  if (expires !== undefined && !isCalendarDate(expires)) throw new UsageError(`--baseline-expires must be a date, YYYY-MM-DD, got "${expires}"`);
  return { baseline: values.baseline, writeBaseline: values["write-baseline"], baselineExpires: expires, baselineGrow: values["baseline-grow"] ?? false };
}

/** flow-audit's options, as node:util parseArgs reads them. */
const OPTIONS = {
  "api-url": { type: "string" },
  "policy-file": { type: "string" },
  vendor: { type: "string", multiple: true },
  id: { type: "string", multiple: true },
  "fail-on": { type: "string" },
  format: { type: "string" },
  output: { type: "string", multiple: true },
  "snapshot-out": { type: "string" },
  "from-snapshot": { type: "string" },
  "diff-against": { type: "string" },
  baseline: { type: "string" },
  "write-baseline": { type: "string" },
  "baseline-expires": { type: "string" },
  "baseline-grow": { type: "boolean" },
  "history-dir": { type: "string" },
  "show-personal-data": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "list-rules": { type: "boolean" },
  concurrency: { type: "string" },
  "timeout-ms": { type: "string" },
  deadline: { type: "string" },
  timeout: { type: "string" },
  "max-response-mb": { type: "string" },
  "max-total-mb": { type: "string" },
  "max-integrations": { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const satisfies NonNullable<ParseArgsConfig["options"]>;

/** Parses flow-audit's arguments; throws UsageError with a precise message. */
/**
 * The run's deadline in seconds: --deadline, or --timeout, its name before 0.3 (beside the
 * per-request --timeout-ms it read as another per-request setting). Both given: they must agree.
 */
function deadlineSeconds(deadline: string | undefined, timeout: string | undefined): number | undefined {
  const seconds = positiveInt("--deadline", deadline);
  const old = positiveInt("--timeout", timeout);
  if (seconds !== undefined && old !== undefined && seconds !== old)
    throw new UsageError(`--deadline ${deadline} and --timeout ${timeout} disagree: --timeout is the old name of --deadline; give one`);
  return seconds ?? old;
}

export function parseAuditArgs(argv: string[]): AuditArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: OPTIONS,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (values.token !== undefined)
    throw new UsageError("--token is not accepted (it would end up in shell history and process lists); set FLOW_API_TOKEN instead");
  const failOn = values["fail-on"] ?? "mandatory";
  if (!["mandatory", "advisory", "never"].includes(failOn)) throw new UsageError(`--fail-on must be mandatory, advisory or never, got "${failOn}"`);
  const ids = list(values.id).map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--id must be integration ids, got "${v}"`);
    return n;
  });
  const outputs = (values.output ?? []).map((spec) => {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--output must be FORMAT=FILE, got "${spec}"`);
    return { format: format(spec.slice(0, eq), "--output"), file: spec.slice(eq + 1) };
  });
  const stdoutFormat = reportOnStdout(values.format, outputs);
  if (values["from-snapshot"] && values["api-url"]) throw new UsageError("--from-snapshot and --api-url exclude each other");
  const listRules = values["list-rules"] ?? false;
  if (listRules) {
    // It reads no inventory and writes no report: an option about either would be silently ignored.
    const others = Object.keys(values).filter((k) => !LIST_RULES_OPTIONS.includes(k) && values[k as keyof typeof values] !== undefined);
    if (others.length) throw new UsageError(`--list-rules takes only --policy-file and --format (it reads no inventory); drop --${others.join(", --")}`);
    if (!["table", "json", undefined].includes(values.format)) throw new UsageError(`--list-rules writes table or json, not "${values.format}"`);
  }
  return {
    apiUrl: values["api-url"],
    policyFile: values["policy-file"],
    vendors: list(values.vendor),
    ids,
    failOn: failOn as FailOn,
    format: stdoutFormat,
    outputs: outputs.filter((o) => o.file !== "-"),
    snapshotOut: values["snapshot-out"],
    fromSnapshot: values["from-snapshot"],
    diffAgainst: values["diff-against"],
    ...baselineOptions(values),
    historyDir: values["history-dir"],
    showPersonalData: values["show-personal-data"] ?? false,
    quiet: values.quiet ?? false,
    listRules,
    concurrency: positiveInt("--concurrency", values.concurrency),
    timeoutMs: positiveInt("--timeout-ms", values["timeout-ms"]),
    deadlineMs: scaled(deadlineSeconds(values.deadline, values.timeout), 1000),
    maxResponseBytes: scaled(positiveInt("--max-response-mb", values["max-response-mb"]), 1024 * 1024),
    maxTotalBytes: scaled(positiveInt("--max-total-mb", values["max-total-mb"]), 1024 * 1024),
    maxRecords: positiveInt("--max-integrations", values["max-integrations"]),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
