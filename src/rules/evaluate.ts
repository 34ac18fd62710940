import type { InventoryRecord } from "../api/types";
import { describeProblem, recordProblems, type DataProblem } from "../api/validation";
import { rules as allRules } from "./index";
import type {
  Enforcement,
  Finding,
  FindingStatus,
  FlowPolicy,
  IntegrationRule,
  Outcome,
  PolicyException,
  Rule,
  RuleContext,
  RuleSettings,
  StackOutcome,
  StackRule,
} from "./types";
import { applyExceptions } from "./exceptions";
import { applyBaseline, type Baseline } from "./baseline";
import { configOf, toFinding } from "./util";

/** The default policy: every rule at its default enforcement and parameters, no exceptions. */
export function defaultPolicy(rules: readonly Rule[] = allRules): FlowPolicy {
  return { rules: Object.fromEntries(rules.map((r) => [r.id, { enforcement: r.enforcement, config: configOf(r) }])), exceptions: [] };
}

/** The rules a policy does not disable. */
export function enabledRules(policy: FlowPolicy, rules: readonly Rule[] = allRules): Rule[] {
  return rules.filter((r) => ruleSettings(policy, r).enforcement !== "disabled");
}

/** A rule's effective settings in a policy (its defaults when the policy does not mention it). */
export function ruleSettings(policy: FlowPolicy, rule: Rule): RuleSettings {
  return policy.rules[rule.id] ?? { enforcement: rule.enforcement, config: configOf(rule) };
}

/** True for a violation or error that no active exception or baseline covers, whatever its enforcement. */
export function isOpen(f: Finding): boolean {
  return (f.status === "violation" || f.status === "error") && f.exception?.state !== "active" && f.baseline?.state !== "active";
}

/** The lowest enforcement that fails a gate: mandatory (the default), advisory, or never. */
export type FailOn = "mandatory" | "advisory" | "never";

/** True when a finding fails a gate set at `failOn`: open, and enforced at or above that level. */
export function isFailing(f: Finding, failOn: FailOn = "mandatory"): boolean {
  if (failOn === "never" || !isOpen(f)) return false;
  return f.enforcement === "mandatory" || (failOn === "advisory" && f.enforcement === "advisory");
}

/** True when a rule reading `read` depends on `field` (one is the other, or lies inside it). */
export function fieldTouches(read: string, field: string): boolean {
  return read === field || field.startsWith(`${read}.`) || read.startsWith(`${field}.`);
}

/** The problems among `problems` in fields the rule reads. */
export function problemsFor(rule: Pick<Rule, "reads">, problems: readonly DataProblem[]): DataProblem[] {
  return problems.filter((p) => rule.reads.some((read) => fieldTouches(read, p.field)));
}

/** The outcome of a rule that cannot run because Flow sent a field it reads in an unusable shape. */
function unusableData(problems: DataProblem[]): Outcome {
  const fields = [...new Set(problems.map((p) => p.field))];
  return {
    status: "error",
    message: `could not be checked: Flow sent ${problems.map(describeProblem).join("; ")}.`,
    evidence: { unusableFields: fields },
    remediation: `This is Flow's data, not a setting: open the integration in Flow and check ${fields.join(", ")}. If Flow changed the shape of its API, report it to the pulumi-flow maintainers with this message; until then an exception with a reason and an expiry can accept it.`,
  };
}

/** The error finding of a rule that cannot judge a record because a field it reads is unusable; undefined when it can. */
export function dataErrorFinding(
  rule: Rule,
  record: InventoryRecord,
  problems: readonly DataProblem[],
  enforcement: Enforcement = rule.enforcement,
): Finding | undefined {
  const mine = problemsFor(rule, problems);
  return mine.length > 0 ? { ...toFinding(rule, unusableData(mine), record.integration, enforcement), dataProblems: mine } : undefined;
}

/**
 * Runs one integration rule on one record. A rule never sees data it cannot use: when a field it
 * reads has a shape the spec does not allow, the finding is an error naming the field (with
 * `dataProblems`); a throwing rule becomes an error finding, not a crash.
 */
export function evaluateIntegrationRule(
  rule: IntegrationRule,
  record: InventoryRecord,
  config: Record<string, unknown>,
  context: RuleContext,
  enforcement: Enforcement = rule.enforcement,
  problems: readonly DataProblem[] = recordProblems(record),
): Finding {
  return judgeRecord(rule, record, config, context, enforcement, problems, undefined)!;
}

/** evaluateIntegrationRule, or undefined when the outcome's status is not among `only` (no finding is built for it). */
function judgeRecord(
  rule: IntegrationRule,
  record: InventoryRecord,
  config: Record<string, unknown>,
  context: RuleContext,
  enforcement: Enforcement,
  problems: readonly DataProblem[],
  only: ReadonlySet<FindingStatus> | undefined,
): Finding | undefined {
  const unusable = dataErrorFinding(rule, record, problems, enforcement);
  if (unusable) return only && !only.has("error") ? undefined : unusable;
  const outcome = guard(rule, () => rule.evaluate(record, config, context));
  return only && !only.has(outcome.status) ? undefined : toFinding(rule, outcome, record.integration, enforcement);
}

/**
 * Runs one stack rule over all records. Records with unusable data in a field the rule reads are
 * left out of the evaluation, and each gets an error finding naming the field.
 */
export function evaluateStackRule(
  rule: StackRule,
  records: InventoryRecord[],
  config: Record<string, unknown>,
  context: RuleContext,
  enforcement: Enforcement = rule.enforcement,
  problemsOf: (record: InventoryRecord) => readonly DataProblem[] = recordProblems,
  only?: ReadonlySet<FindingStatus>,
): Finding[] {
  const usable: InventoryRecord[] = [];
  const unusable: Finding[] = [];
  for (const record of records) {
    const error = dataErrorFinding(rule, record, problemsOf(record), enforcement);
    if (error) unusable.push(error);
    else usable.push(record);
  }
  let outcomes: StackOutcome[];
  try {
    outcomes = rule.evaluate(usable, config, context);
  } catch (e) {
    outcomes = [{ ...crashed(rule, e), subject: "the inventory" }];
  }
  if (only) {
    outcomes = outcomes.filter((o) => only.has(o.status));
    if (!only.has("error")) unusable.length = 0;
  }
  return [...unusable, ...outcomes.map((o) => toFinding(rule, o, o.integration, enforcement))];
}

function guard(rule: Rule, run: () => Outcome): Outcome {
  try {
    return run();
  } catch (e) {
    return crashed(rule, e);
  }
}

function crashed(rule: Rule, e: unknown): Outcome {
  return { status: "error", message: `could not be checked: rule ${rule.id} failed (${e instanceof Error ? e.message : String(e)}).`, evidence: {} };
}

/** Options of evaluateInventory. */
export interface EvaluateOptions {
  policy?: FlowPolicy | undefined;
  now?: Date | undefined;
  rules?: readonly Rule[] | undefined;
  /** Each record's data problems, when the caller already has them (see inventoryProblems). */
  problems?: ReadonlyMap<InventoryRecord, readonly DataProblem[]> | undefined;
}

/** Each record's data problems (the spec checked once per record). */
export function inventoryProblems(records: readonly InventoryRecord[]): Map<InventoryRecord, DataProblem[]> {
  return new Map(records.map((r) => [r, recordProblems(r)]));
}

/** How findings are judged: the reference time, the exceptions, the baseline, and each record's data problems. */
export interface JudgeContext {
  now: Date;
  exceptions: readonly PolicyException[];
  /** The baseline in force: the violations it lists (with unchanged evidence) are tolerated until it expires. */
  baseline?: Baseline | undefined;
  /** A record's data problems (default: recordProblems). */
  problemsOf?: ((record: InventoryRecord) => readonly DataProblem[]) | undefined;
  /**
   * Give open violations their fingerprint without a baseline too (default true: reports carry
   * it, to write a baseline from). The pack, which reports none, asks for it only with a baseline:
   * canonical JSON and SHA-256 per violation were about a third of its rule time.
   */
  fingerprints?: boolean | undefined;
  /**
   * Build findings only for outcomes of these statuses (default: all). The pack, which reports
   * only open findings, asks for violations and errors: most outcomes are `ok`, and building a
   * finding (message with the integration's label, bounded evidence) for each was about a third
   * of its rule time (a profile at 5,000 integrations in chunks: toFinding 108 of judge's 324 ms). The findings returned are the same objects, in the same order, minus the others.
   */
  only?: ReadonlySet<FindingStatus> | undefined;
}

/**
 * One rule's findings, with its settings, the exceptions and the baseline applied: one per record for a
 * per-integration rule, the rule's own outcomes for a stack rule. The one evaluation path of
 * evaluateInventory and the CrossGuard pack alike.
 */
export function judge(rule: Rule, records: InventoryRecord[], settings: RuleSettings, ctx: JudgeContext): Finding[] {
  const problemsOf = ctx.problemsOf ?? recordProblems;
  const only = ctx.only;
  let findings: Finding[];
  // A per-integration rule's findings are fingerprinted from their records (the baseline's key).
  let judged: Array<InventoryRecord | undefined> | undefined;
  if (rule.scope === "stack") {
    findings = evaluateStackRule(rule as StackRule, records, settings.config, ctx, settings.enforcement, problemsOf, only);
  } else if (!only) {
    findings = records.map((r) => evaluateIntegrationRule(rule as IntegrationRule, r, settings.config, ctx, settings.enforcement, problemsOf(r)));
    judged = records;
  } else {
    findings = [];
    judged = [];
    for (const r of records) {
      const f = judgeRecord(rule as IntegrationRule, r, settings.config, ctx, settings.enforcement, problemsOf(r), only);
      if (f === undefined) continue;
      findings.push(f);
      judged.push(r);
    }
  }
  if (!ctx.baseline && ctx.fingerprints === false) return findings.map((f) => applyExceptions(f, ctx.exceptions, ctx.now));
  return findings.map((f, i) => applyBaseline(rule, applyExceptions(f, ctx.exceptions, ctx.now), judged?.[i], ctx.baseline, ctx.now));
}

/** The statuses of findings that can be open (see isOpen): what a gate that reports only open findings needs built. */
export const OPEN_STATUSES: ReadonlySet<FindingStatus> = new Set<FindingStatus>(["violation", "error"]);

/**
 * Evaluates every enabled rule over an inventory: one finding per integration × integration
 * rule, and the stack rules' findings, with effective enforcement and exceptions applied.
 * Each record's data problems are computed once (see recordProblems).
 */
export function evaluateInventory(records: InventoryRecord[], options: EvaluateOptions = {}): Finding[] {
  const rules = options.rules ?? allRules;
  const policy = options.policy ?? defaultPolicy(rules);
  const problems = options.problems ?? inventoryProblems(records);
  const ctx: JudgeContext = {
    now: options.now ?? new Date(),
    exceptions: policy.exceptions,
    baseline: policy.baseline,
    problemsOf: (r) => problems.get(r) ?? recordProblems(r),
  };
  return rules.flatMap((rule) => {
    const settings = ruleSettings(policy, rule);
    return settings.enforcement === "disabled" ? [] : judge(rule, records, settings, ctx);
  });
}

/**
 * The data problems no enabled rule reads: they change no verdict, so they are reported once
 * as warnings instead of errors (flow-audit prints them; the JSON report lists them).
 */
export function unreadDataProblems(records: InventoryRecord[], options: Pick<EvaluateOptions, "policy" | "rules" | "problems"> = {}): DataProblem[] {
  const rules = options.rules ?? allRules;
  const policy = options.policy ?? defaultPolicy(rules);
  const enabled = enabledRules(policy, rules);
  return records.flatMap((r) => (options.problems?.get(r) ?? recordProblems(r)).filter((p) => !enabled.some((rule) => problemsFor(rule, [p]).length > 0)));
}

/** True for an open error finding caused by Flow's data: the evaluation is incomplete, so the gate fails whatever the rule's enforcement. */
export function isDataError(f: Finding): boolean {
  return isOpen(f) && f.status === "error" && (f.dataProblems?.length ?? 0) > 0;
}
