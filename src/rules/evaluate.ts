import type { InventoryRecord } from "../api/types";
import { rules as allRules } from "./index";
import { defaultPolicy, type FlowPolicy, type PolicyException } from "./policy";
import type { AppliedException, Enforcement, Finding, IntegrationRule, Outcome, Rule, RuleContext, StackOutcome, StackRule } from "./types";
import { toFinding } from "./util";

const DAY = 86_400_000;

/** Whether an exception covers a finding (same rule, and every selector it has matches). */
export function exceptionMatches(x: PolicyException, f: Pick<Finding, "ruleId" | "integration" | "evidence">): boolean {
  if (x.rule !== f.ruleId) return false;
  const vendor = f.integration?.vendor ?? (typeof f.evidence.vendor === "string" ? f.evidence.vendor : undefined);
  if (x.integrations && !(f.integration && x.integrations.includes(f.integration.id))) return false;
  if (x.vendor && x.vendor !== vendor) return false;
  if (x.name && !(f.integration && globMatch(x.name, f.integration.name))) return false;
  return true;
}

/** `*` matches any run of characters; case-insensitive; the whole name must match. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${re}$`, "i").test(value);
}

/** An exception's state at `now`: active through the whole expiry day (UTC), expired after it. */
export function exceptionState(x: PolicyException, now: Date): AppliedException["state"] {
  return now.getTime() < Date.parse(`${x.expires}T00:00:00Z`) + DAY ? "active" : "expired";
}

/** Attaches the matching exception to a failing finding: an active one wins over expired ones. */
export function applyExceptions(f: Finding, exceptions: readonly PolicyException[], now: Date): Finding {
  if (f.status !== "violation" && f.status !== "error") return f;
  const matching = exceptions.filter((x) => exceptionMatches(x, f)).map((x) => ({ x, state: exceptionState(x, now) }));
  const chosen = matching.find((m) => m.state === "active") ?? matching.sort((a, b) => b.x.expires.localeCompare(a.x.expires))[0];
  if (!chosen) return f;
  const { reason, expires, owner, ticket } = chosen.x;
  return { ...f, exception: { state: chosen.state, reason, expires, ...(owner ? { owner } : {}), ...(ticket ? { ticket } : {}) } };
}

/** True for a violation or error that no active exception covers, whatever its enforcement. */
export function isOpen(f: Finding): boolean {
  return (f.status === "violation" || f.status === "error") && f.exception?.state !== "active";
}

/** The lowest enforcement that fails a gate: mandatory (the default), advisory, or never. */
export type FailOn = "mandatory" | "advisory" | "never";

/** True when a finding fails a gate set at `failOn`: open, and enforced at or above that level. */
export function isFailing(f: Finding, failOn: FailOn = "mandatory"): boolean {
  if (failOn === "never" || !isOpen(f)) return false;
  return f.enforcement === "mandatory" || (failOn === "advisory" && f.enforcement === "advisory");
}

/** Runs one integration rule on one record; a throwing rule becomes an error finding, not a crash. */
export function evaluateIntegrationRule(rule: IntegrationRule, record: InventoryRecord, config: Record<string, unknown>, context: RuleContext, enforcement: Enforcement = rule.enforcement): Finding {
  return toFinding(rule, guard(rule, () => rule.evaluate(record, config, context)), record.integration, enforcement);
}

/** Runs one stack rule over all records. */
export function evaluateStackRule(rule: StackRule, records: InventoryRecord[], config: Record<string, unknown>, context: RuleContext, enforcement: Enforcement = rule.enforcement): Finding[] {
  let outcomes: StackOutcome[];
  try {
    outcomes = rule.evaluate(records, config, context);
  } catch (e) {
    outcomes = [{ ...crashed(rule, e), subject: "the inventory" }];
  }
  return outcomes.map((o) => toFinding(rule, o, o.integration, enforcement));
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
  policy?: FlowPolicy;
  now?: Date;
  rules?: readonly Rule[];
}

/**
 * Evaluates every enabled rule over an inventory: one finding per integration × integration
 * rule, and the stack rules' findings, with effective enforcement and exceptions applied.
 */
export function evaluateInventory(records: InventoryRecord[], options: EvaluateOptions = {}): Finding[] {
  const rules = options.rules ?? allRules;
  const policy = options.policy ?? defaultPolicy(rules);
  const context = { now: options.now ?? new Date() };
  const findings: Finding[] = [];
  for (const rule of rules) {
    const settings = policy.rules[rule.id] ?? { enforcement: rule.enforcement, config: rule.defaults };
    if (settings.enforcement === "disabled") continue;
    if (rule.scope === "integration") {
      for (const record of records) findings.push(evaluateIntegrationRule(rule, record, settings.config, context, settings.enforcement));
    } else {
      findings.push(...evaluateStackRule(rule, records, settings.config, context, settings.enforcement));
    }
  }
  return findings.map((f) => applyExceptions(f, policy.exceptions, context.now));
}
