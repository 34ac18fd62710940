/**
 * The CrossGuard adapter: the rules array as policies. Every policy evaluates through the same
 * function as flow-audit (`judge`: settings, rule, exceptions), with the engine's config for
 * its own parameters, and keeps no state between calls.
 */
import type {
  Policies,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { terminalSafe } from "../api/ingest";
import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";
import { describeProblem, recordProblems, type DataProblem } from "../api/validation";
import { DEFAULT_POLICY_FILE, findProjectDir, loadPolicy, PolicyFileError } from "../config/policy-file";
import { dataErrorFinding, enabledRules, isOpen, judge, OPEN_STATUSES, ruleSettings, type JudgeContext } from "../rules/evaluate";
import { applyExceptions } from "../rules/exceptions";
import { rules as allRules } from "../rules/index";
import type { Finding, FindingStatus, FlowPolicy, Rule } from "../rules/types";
import { configOf, label, ruleHelpUri, RULES_DOCS_URL } from "../rules/util";
import { maskPersonalData, SHOW_PERSONAL_DATA_ENV, showPersonalDataFromEnv } from "../inventory/privacy";
import { CHUNK_TYPE, chunkEntries, INTEGRATION_TYPE, isChunkType, isIntegrationType, SHARED_TABLES } from "../pulumi/type";
import { aggregateMessage, baselineNotices, exceptionNotice, violationMessage } from "./messages";
import { baselineExpired, baselineScope, compareBaseline } from "../rules/baseline";
import { holdsUnknown, shareReads, valuesOf } from "./shared-reads";

export { exceptionNotice, violationMessage } from "./messages";

/**
 * Above this many open findings of one advisory rule, the pack reports them as one stack-level
 * violation (count, ids, where the full list is) instead of one per integration: a tenant with
 * thousands of advisory findings should not pay for a megabyte of preview output. Mandatory
 * findings are always reported per resource. Documented in docs/policy-pack.md.
 */
export const ADVISORY_DETAIL_LIMIT = 50;

/** The advisory policy that lists violations suppressed by active exceptions. */
export const EXCEPTIONS_POLICY = "flow-exceptions-applied";
/**
 * The mandatory policy that fails the gate when an enabled rule could not judge an integration
 * because Flow sent a field it reads in an unusable shape (whatever that rule's own level).
 */
export const DATA_POLICY = "flow-integration-data-usable";
/** The advisory policy that says what the baseline in force tolerates and which of its entries are resolved. */
export const BASELINE_POLICY = "flow-baseline-applied";
/** The mandatory policy a pack has instead of its rules when its policy file cannot be used. */
export const POLICY_FILE_POLICY = "flow-policy-file-valid";

/** What a resource policy over one integration's resource needs built: open findings and a not-applicable outcome. */
const OPEN_OR_NOT_APPLICABLE: ReadonlySet<FindingStatus> = new Set<FindingStatus>([...OPEN_STATUSES, "not-applicable"]);

/** Where unusable data and the gate's behaviour on it are explained. */
const DOCS_DATA_URL = RULES_DOCS_URL.replace(/rules\.md$/, "cli.md#unusable-data-from-flow");

/** Options of flowPolicies. */
export interface FlowPoliciesOptions {
  /** A resolved policy; default: the policy file found by loadPolicy (FLOW_POLICY_FILE, ./flow-policy.yaml), else defaults. */
  policy?: FlowPolicy | undefined;
  /** Reference time for exceptions and sync age (default: the clock at each evaluation). */
  now?: (() => Date) | undefined;
  /** Rules to wrap (default: all). */
  rules?: readonly Rule[] | undefined;
  /**
   * Keep user names and emails in the messages (default: FLOW_SHOW_PERSONAL_DATA, else false).
   * They are masked as flow-audit masks them unless it is given `--show-personal-data`.
   */
  showPersonalData?: boolean | undefined;
  /** Most findings of one advisory rule reported one by one (default ADVISORY_DETAIL_LIMIT); more are reported as one. */
  advisoryDetailLimit?: number | undefined;
}

/**
 * What the policies see in a resource: the records it holds — one for a flow:Integration, the
 * chunk's for a flow:IntegrationChunk — masked unless personal data is shown, and the names of
 * entries that carry no integration data. Undefined for any other resource.
 */
interface ResourceRecords {
  records: InventoryRecord[];
  /** Names of the entries without integration data (the resource, or `<chunk> integrations["<id>"]`). */
  empty: string[];
  /** Whether the resource is a chunk (many integrations behind one URN). */
  chunk: boolean;
}

/** The records of a resource, and each record's data problems, computed once per record. */
interface RecordView {
  (type: string, props: Record<string, unknown>, name: string, urn: string): ResourceRecords | undefined;
  /**
   * A record's data problems (recordProblems), kept per record object: a chunk's records are
   * reused by every policy (see recordView), so each is checked against the spec once per
   * preview instead of once per rule.
   */
  problemsOf: (record: InventoryRecord) => readonly DataProblem[];
}

function recordView(showPersonalData: boolean): RecordView {
  const mask = (records: InventoryRecord[]) => (showPersonalData || records.length === 0 ? records : maskPersonalData(records));
  const problems = new WeakMap<InventoryRecord, readonly DataProblem[]>();
  const problemsOf = (record: InventoryRecord) => {
    let found = problems.get(record);
    if (!found) problems.set(record, (found = recordProblems(record)));
    return found;
  };
  // A chunk's records are kept by URN and reused while its JSON texts are the same: each chunk is
  // parsed and masked once per preview, not once per policy.
  const chunks = new Map<string, { texts: unknown[]; records: ResourceRecords }>();
  const chunkRecords = (props: Record<string, unknown>, name: string, urn: string): ResourceRecords => {
    const texts = [props.integrations, ...SHARED_TABLES.map((t) => props[t])].flatMap((m) => Object.values((m ?? {}) as Record<string, unknown>));
    const kept = chunks.get(urn);
    if (kept && kept.texts.length === texts.length && kept.texts.every((t, i) => t === texts[i])) return kept.records;
    const entries = chunkEntries(props);
    const records = {
      records: mask(entries.flatMap((e) => (e.record ? [e.record] : []))),
      empty: entries.filter((e) => !e.record).map((e) => `${name} integrations["${e.key}"]`),
      chunk: true,
    };
    chunks.set(urn, { texts, records });
    return records;
  };
  const read = (type: string, props: Record<string, unknown>, name: string, urn: string): ResourceRecords | undefined => {
    if (isChunkType(type)) return chunkRecords(props, name, urn);
    const record = recordOf(type, props);
    if (!record) return undefined;
    return record.integration ? { records: mask([record]), empty: [], chunk: false } : { records: [], empty: [name], chunk: false };
  };
  // The records of each resource's values, kept while the SDK keeps those values: one reading
  // per request when the pack shares the SDK's reads (shared-reads.ts), else one per policy.
  const byValues = new WeakMap<object, ResourceRecords | "unknown" | "other">();
  const view = (type: string, props: Record<string, unknown>, name: string, urn: string): ResourceRecords | undefined => {
    if (!isChunkType(type) && !isIntegrationType(type)) return undefined;
    const values = valuesOf(props);
    let kept = byValues.get(values);
    if (kept === undefined) {
      // Values a preview cannot know yet are read through the SDK's proxies, which say so.
      kept = holdsUnknown(values) ? "unknown" : (read(type, values, name, urn) ?? "other");
      byValues.set(values, kept);
    }
    if (kept === "unknown") return read(type, props, name, urn);
    return kept === "other" ? undefined : kept;
  };
  return Object.assign(view, { problemsOf });
}

/** Turns a flow:Integration resource's properties into an inventory record (undefined if it is not one). */
export function recordOf(type: string, props: Record<string, unknown>): InventoryRecord | undefined {
  if (!isIntegrationType(type)) return undefined;
  return { integration: props.integration as Integration, connectionStatus: (props.connectionStatus ?? undefined) as ConnectionStatus | undefined };
}

function configSchemaOf(rule: Rule, params: Record<string, unknown>): PolicyConfigSchema {
  const properties = Object.fromEntries(Object.entries(rule.configSchema.properties).map(([k, s]) => [k, { ...s, default: params[k] }]));
  return { properties } as PolicyConfigSchema;
}

/** The error of a flow:Integration resource that carries no integration data. */
function malformed(rule: Rule, name: string, enforcement: Finding["enforcement"]): Finding {
  return {
    ruleId: rule.id,
    status: "error",
    severity: rule.severity,
    enforcement,
    message: `Resource '${name}' of type ${INTEGRATION_TYPE} (or an entry of a ${CHUNK_TYPE}) carries no integration data, so ${rule.id} cannot check it.`,
    remediation: "Create flow:Integration resources through readFlowIntegrations / FlowIntegrations so they carry the integration read from Flow.",
    helpUri: ruleHelpUri(rule.id),
    evidence: {},
  };
}

/** The records of a stack's Flow resources (integrations and chunks), with each integration's URN, and the entries carrying no data. */
function stackRecords(
  resources: StackValidationArgs["resources"],
  view: RecordView,
): {
  records: InventoryRecord[];
  urnById: Map<number, string>;
  empty: Array<{ name: string; urn: string }>;
} {
  const records: InventoryRecord[] = [];
  const urnById = new Map<number, string>();
  const empty: Array<{ name: string; urn: string }> = [];
  for (const r of resources) {
    const seen = view(r.type, r.props, r.name, r.urn);
    if (!seen) continue;
    for (const name of seen.empty) empty.push({ name, urn: r.urn });
    for (const record of seen.records) {
      records.push(record);
      urnById.set(record.integration.id, r.urn);
    }
  }
  return { records, urnById, empty };
}

/**
 * How a rule's policy judges: no fingerprints unless a baseline is in force, and findings built
 * only for what it reports — open findings, and for one integration's resource a not-applicable
 * outcome, which the engine is told of (`only`).
 */
function judgeContext(policy: FlowPolicy, now: Date, view: RecordView, only: ReadonlySet<FindingStatus>): JudgeContext {
  return { now, exceptions: policy.exceptions, baseline: policy.baseline, problemsOf: view.problemsOf, fingerprints: false, only };
}

/**
 * One rule as a policy: a resource policy for a per-integration rule (a stack policy when the
 * policy file makes it advisory, so that many findings can be reported as one), a stack policy
 * for a cross-integration rule.
 */
function rulePolicy(
  rule: Rule,
  policy: FlowPolicy,
  now: () => Date,
  view: RecordView,
  advisoryLimit: number,
): ResourceValidationPolicy | StackValidationPolicy {
  const settings = ruleSettings(policy, rule);
  const base = {
    name: rule.id,
    description: rule.description,
    enforcementLevel: settings.enforcement,
    severity: rule.severity,
    configSchema: configSchemaOf(rule, settings.config),
  };
  // The engine decides the level (pack config may change it) and fills the parameters; a policy that runs reports every open finding.
  const effective = (getConfig: () => Record<string, unknown>) => ({ enforcement: settings.enforcement, config: configOf(rule, getConfig()) });
  const ctx = (only: ReadonlySet<FindingStatus> = OPEN_STATUSES) => judgeContext(policy, now(), view, only);
  if (rule.scope === "integration" && settings.enforcement === "advisory") {
    // An advisory per-integration rule judges the whole stack at once, so that it can report
    // many findings as one (see ADVISORY_DETAIL_LIMIT); up to the limit, each on its resource.
    return {
      ...base,
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const { records, urnById, empty } = stackRecords(args.resources, view);
        for (const e of empty) report(violationMessage(malformed(rule, e.name, settings.enforcement)), e.urn);
        const open = judge(
          rule,
          records,
          effective(() => args.getConfig()),
          ctx(),
        ).filter(isOpen);
        if (open.length > advisoryLimit) report(aggregateMessage(rule.id, open, advisoryLimit));
        else for (const f of open) report(violationMessage(f), f.integration ? urnById.get(f.integration.id) : undefined);
      },
    };
  }
  if (rule.scope === "integration") {
    return {
      ...base,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        const seen = view(args.type, args.props, args.name, args.urn);
        if (!seen) return;
        for (const name of seen.empty) report(violationMessage(malformed(rule, name, settings.enforcement)), args.urn);
        if (seen.records.length === 0) return;
        // A chunk's integrations are judged one by one; each message names its integration.
        const findings = judge(
          rule,
          seen.records,
          effective(() => args.getConfig()),
          ctx(seen.chunk ? OPEN_STATUSES : OPEN_OR_NOT_APPLICABLE),
        );
        for (const f of findings) if (isOpen(f)) report(violationMessage(f), args.urn);
        if (!seen.chunk && findings[0]?.status === "not-applicable") args.notApplicable(findings[0].message);
      },
    };
  }
  return {
    ...base,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const { records, urnById, empty } = stackRecords(args.resources, view);
      for (const e of empty) report(violationMessage(malformed(rule, e.name, settings.enforcement)), e.urn);
      for (const f of judge(
        rule,
        records,
        effective(() => args.getConfig()),
        ctx(),
      )) {
        if (isOpen(f)) report(violationMessage(f), f.integration ? urnById.get(f.integration.id) : undefined);
      }
    },
  };
}

/** The mandatory policy that fails the gate on data an enabled rule could not judge. */
function dataPolicy(policy: FlowPolicy, rules: readonly Rule[], now: () => Date, view: RecordView): ResourceValidationPolicy {
  const enabled = enabledRules(policy, rules);
  return {
    name: DATA_POLICY,
    description:
      "Checks that every field an enabled rule reads arrived from Flow in a usable shape (an evaluation over unusable data is incomplete, so it fails the gate).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      for (const record of view(args.type, args.props, args.name, args.urn)?.records ?? []) {
        const problems = view.problemsOf(record);
        if (problems.length === 0) continue;
        // Only errors no active exception covers fail the gate, as for any other finding.
        const open = enabled
          .map((rule) => dataErrorFinding(rule, record, problems))
          .filter((f): f is Finding => f !== undefined && isOpen(applyExceptions(f, policy.exceptions, now())));
        if (open.length === 0) continue;
        const blocking = [...new Map(open.flatMap((f) => f.dataProblems ?? []).map((p) => [p.path + p.document, p])).values()];
        const text = `${label(record.integration)} could not be fully evaluated: Flow sent ${blocking.map(describeProblem).join("; ")}. Rules that could not decide: ${open.map((f) => f.ruleId).join(", ")}. Fix: ${open[0].remediation} See ${DOCS_DATA_URL}`;
        report(terminalSafe(text), args.urn);
      }
    },
  };
}

/**
 * The advisory policy listing what active exceptions suppress. It judges the stack's records
 * itself (with the policy file's parameters), so it depends on no other policy's state or order.
 */
function exceptionsPolicy(policy: FlowPolicy, rules: readonly Rule[], now: () => Date, view: RecordView): StackValidationPolicy {
  return {
    name: EXCEPTIONS_POLICY,
    description: "Lists the violations that active exceptions in the policy file suppress (advisory notices; never fails the gate).",
    // Disabled when the policy file has no exceptions: the SDK hands every stack policy it runs the
    // whole stack, even one with nothing to report (read once per request only where shared-reads.ts applies).
    enforcementLevel: policy.exceptions.length > 0 ? "advisory" : "disabled",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      if (policy.exceptions.length === 0) return;
      const { records, urnById } = stackRecords(args.resources, view);
      // Only violations and errors can have an exception; an excepted finding has no fingerprint.
      const ctx: JudgeContext = { now: now(), exceptions: policy.exceptions, problemsOf: view.problemsOf, fingerprints: false, only: OPEN_STATUSES };
      for (const rule of enabledRules(policy, rules)) {
        for (const f of judge(rule, records, ruleSettings(policy, rule), ctx)) {
          if (f.exception?.state === "active") report(exceptionNotice(f), f.integration ? urnById.get(f.integration.id) : undefined);
        }
      }
    },
  };
}

/**
 * The advisory policy that says what the baseline in force tolerates (per rule: how many, which
 * integrations), which of its entries are resolved, and when it has expired. Like the exceptions
 * policy, it judges the stack's records itself. Tolerated findings are reported per rule, not one
 * by one, so a large baseline costs one notice per rule.
 */
function baselinePolicy(policy: FlowPolicy, rules: readonly Rule[], now: () => Date, view: RecordView): StackValidationPolicy {
  return {
    name: BASELINE_POLICY,
    description: "Lists what the baseline in the policy file tolerates and which of its entries are resolved (advisory notices; never fails the gate).",
    // Disabled without a baseline, like the exceptions policy without exceptions.
    enforcementLevel: policy.baseline ? "advisory" : "disabled",
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const baseline = policy.baseline;
      if (!baseline) return;
      const { records } = stackRecords(args.resources, view);
      const at = now();
      const enabled = enabledRules(policy, rules);
      const findings = enabled.flatMap((rule) =>
        judge(rule, records, ruleSettings(policy, rule), { now: at, exceptions: policy.exceptions, baseline, problemsOf: view.problemsOf }),
      );
      const scope = baselineScope({
        enabledRules: new Set(enabled.map((r) => r.id)),
        findings,
        integrations: new Set(records.map((r) => r.integration.id)),
        subjects: true,
      });
      for (const text of baselineNotices(baseline, findings, compareBaseline(baseline, findings, scope), baselineExpired(baseline, at))) report(text);
    },
  };
}

/**
 * The CrossGuard policies over Flow integrations: one per rule (resource policies for
 * per-integration rules, stack policies for cross-integration ones), the data policy, and an
 * advisory policy that lists what active exceptions suppress. Enforcement and parameters come
 * from the policy file; `--policy-pack-config` overrides both. User names and emails are masked
 * in every message, as in flow-audit, unless `showPersonalData` (or FLOW_SHOW_PERSONAL_DATA).
 */
export function flowPolicies(options: FlowPoliciesOptions = {}): Policies {
  const rules = options.rules ?? allRules;
  const policy = options.policy ?? packPolicyFile();
  const now = options.now ?? (() => new Date());
  const view = recordView(options.showPersonalData ?? showPersonalDataFromEnv(process.env).show);
  const advisoryLimit = options.advisoryDetailLimit ?? ADVISORY_DETAIL_LIMIT;
  return [
    ...rules.map((rule) => rulePolicy(rule, policy, now, view, advisoryLimit)),
    dataPolicy(policy, rules, now, view),
    exceptionsPolicy(policy, rules, now, view),
    baselinePolicy(policy, rules, now, view),
  ];
}

/**
 * The policy a pack runs with, said on stderr (the engine shows it as a message of the
 * preview): FLOW_POLICY_FILE, else `flow-policy.yaml` in the directory pulumi was started in,
 * next to the Pulumi project (also under `pulumi -C`), or in the pack's own folder.
 */
export function packPolicyFile(
  env: Record<string, string | undefined> = process.env,
  say: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): FlowPolicy {
  const pwd = env.PWD ?? process.cwd();
  const project = findProjectDir(pwd, env.PULUMI_NODEJS_PROJECT);
  const searchDirs = [...new Set([pwd, ...(project ? [project] : []), process.cwd()])];
  const policy = loadPolicy({ env, baseDir: pwd, searchDirs });
  say(
    policy.file
      ? `pulumi-flow policy pack: policy file ${policy.file}`
      : `pulumi-flow policy pack: no policy file (looked for ${DEFAULT_POLICY_FILE} in ${searchDirs.join(", ")}): rule defaults`,
  );
  const personal = showPersonalDataFromEnv(env);
  if (personal.problem) say(`pulumi-flow policy pack: ${personal.problem}`);
  else if (personal.show) say(`pulumi-flow policy pack: user names and emails are shown in messages (${SHOW_PERSONAL_DATA_ENV})`);
  return policy;
}

/** The one policy of a pack whose policy file cannot be used: it fails every preview with the file:line:column problem. */
function invalidPolicyFile(e: PolicyFileError): Policies {
  return [
    {
      name: POLICY_FILE_POLICY,
      description: "Checks that the pulumi-flow policy file can be used (a broken one fails the gate closed).",
      enforcementLevel: "mandatory",
      validateStack: (_args: StackValidationArgs, report: ReportViolation) =>
        report(`invalid policy file: ${e.message}. No rule was evaluated; fix the file and run again.`),
    },
  ];
}

/** The version of the @pulumi/policy this package loads; undefined when unreadable. */
function policySdkVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's package.json
    return (require("@pulumi/policy/package.json") as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The policies a pack runs: flowPolicies, or, when the policy file cannot be used, the one policy that reports it. */
export function packPolicies(options: FlowPoliciesOptions = {}): Policies {
  try {
    return flowPolicies(options);
  } catch (e) {
    if (!(e instanceof PolicyFileError)) throw e;
    return invalidPolicyFile(e);
  }
}

/**
 * Starts the pulumi-flow policy pack (call it from a pack's index.js). A policy file that cannot
 * be used is reported through the engine as a mandatory violation naming its file:line:column,
 * which fails the preview: the gate fails closed, and the process is left to the engine.
 */
export function startFlowPolicyPack(name = "pulumi-flow", options: FlowPoliciesOptions = {}): void {
  const policies = packPolicies(options);
  // Loaded here, not at the top: only packs need @pulumi/policy (an optional peer dependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer dependency, loaded only when a pack starts
  const { PolicyPack } = require("@pulumi/policy") as typeof import("@pulumi/policy");
  // Every policy of this pack is pulumi-flow's, and none changes what it reads: they may share
  // one reading of each resource per request (shared-reads.ts). Skipped on unverified SDKs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's internal module, as its server loads it
  shareReads(require("@pulumi/policy/deserialize") as Parameters<typeof shareReads>[0], policySdkVersion());
  new PolicyPack(name, { policies });
}
