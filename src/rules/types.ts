import type { Integration, InventoryRecord } from "../api/types";
import type { DataProblem } from "../api/validation";

/** How a rule's violations affect the gate: mandatory fails it, advisory only reports. */
export type Enforcement = "mandatory" | "advisory" | "disabled";
/** How serious a violation is, independent of enforcement. */
export type Severity = "critical" | "high" | "medium" | "low";
/** The result of one rule for one subject. */
export type FindingStatus = "ok" | "violation" | "not-applicable" | "error";

/** A JSON schema for a rule's parameters (an object schema; every property has a `default`). */
export interface RuleConfigSchema {
  type: "object";
  properties: Record<string, Record<string, unknown> & { description: string; default: unknown }>;
  additionalProperties: false;
}

/** What a rule's evaluation says about one subject, before metadata is attached. */
export interface Outcome {
  status: FindingStatus;
  /** One sentence: what is wrong (violation), why it does not apply, or what was found. */
  message: string;
  /** The fields that decided the outcome. */
  evidence?: Record<string, unknown>;
  /** Overrides the rule's remediation with one specific to this case. */
  remediation?: string;
  /** For an error: the data problems that decided it (Flow's data contradicts itself), which make the evaluation incomplete. */
  dataProblems?: DataProblem[];
}

/** An outcome of a stack rule, about one integration or about the inventory as a whole. */
export interface StackOutcome extends Outcome {
  integration?: Integration;
  /** What the outcome is about when it is not one integration, e.g. "vendor gitlab". */
  subject?: string;
}

/** Evaluation context: the reference time (rules never read the clock themselves). */
export interface RuleContext {
  now: Date;
}

/** Metadata every rule carries; the pack, the CLI and docs/rules.md are built from it. */
export interface RuleMeta<C> {
  /** Stable id, `flow-integration-*` (per integration) or `flow-*` (across integrations). */
  id: string;
  /** A short title for tables. */
  title: string;
  /** One sentence starting "Checks that…". */
  description: string;
  severity: Severity;
  /** Enforcement when nothing configures it. */
  enforcement: Enforcement;
  /** Parameters with their defaults (the same values as `defaults`). */
  configSchema: RuleConfigSchema;
  /** Parameter defaults, applied by resolveRuleConfig. */
  defaults: C;
  /** What to change in Flow to fix a violation. */
  remediation: string;
  /**
   * The fields the rule reads: integration fields as dotted paths without array indexes
   * (`vendor_meta.enable_webhooks`, `enabled_source_types`), connection-status fields under
   * `connection_status`. When Flow sends one of them in a shape the spec does not allow, the
   * rule is not run for that integration and reports an error naming the field instead. A
   * meta test checks that a rule reads nothing else.
   */
  reads: readonly string[];
}

/** A rule evaluated once per integration (a CrossGuard resource policy). */
export interface IntegrationRule<C = Record<string, unknown>> extends RuleMeta<C> {
  scope: "integration";
  evaluate(record: InventoryRecord, config: C, context: RuleContext): Outcome;
}

/** A rule evaluated over all integrations at once (a CrossGuard stack policy). */
export interface StackRule<C = Record<string, unknown>> extends RuleMeta<C> {
  scope: "stack";
  evaluate(records: InventoryRecord[], config: C, context: RuleContext): StackOutcome[];
}

/** Any rule. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rules differ in parameter type and `P` is both read and written, so no other type admits them all
export type Rule = IntegrationRule<any> | StackRule<any>;

/** The integration a finding is about. */
export interface FindingSubject {
  id: number;
  name: string;
  vendor: string;
}

/** An exception that matched a finding. */
export interface AppliedException {
  /** `active` suppresses the violation; `expired` suppresses nothing. */
  state: "active" | "expired";
  reason: string;
  expires: string;
  owner?: string;
  ticket?: string;
}

/**
 * A baseline entry (see src/rules/baseline.ts) that matched an open violation: `active` tolerates
 * it (reported as baselined, not failing); `changed` means the deciding evidence differs from
 * what was baselined and `expired` that the baseline's last day has passed — both fail as usual.
 */
export interface AppliedBaseline {
  state: "active" | "changed" | "expired";
  /** The baseline's last day (UTC), YYYY-MM-DD. */
  expires: string;
  /** The baseline file, as the command line or the policy file names it. */
  file: string;
}

/** One rule's verdict about one integration (or one stack-level subject). */
export interface Finding {
  ruleId: string;
  status: FindingStatus;
  severity: Severity;
  /** Effective enforcement after configuration. */
  enforcement: Enforcement;
  integration?: FindingSubject;
  subject?: string;
  /** One sentence naming the integration and what is wrong. */
  message: string;
  remediation: string;
  helpUri: string;
  evidence: Record<string, unknown>;
  exception?: AppliedException;
  /** On an open violation: 16 hex digits of SHA-256 over its deciding evidence (what a baseline records; see src/rules/baseline.ts). */
  fingerprint?: string;
  /** The baseline entry that matched this finding, when a baseline is in force. */
  baseline?: AppliedBaseline;
  /** On an `error` finding caused by Flow's data: the fields the rule needed, in an unusable shape. */
  dataProblems?: DataProblem[];
}

/** An exception (from the policy file): which rule, which integrations, why, until when. */
export interface PolicyException {
  rule: string;
  /** Integration ids the exception covers. */
  integrations?: number[];
  /** Vendor (vendor_type) the exception covers. */
  vendor?: string;
  /** Integration name pattern (`*` matches anything, case-insensitive). */
  name?: string;
  reason: string;
  owner?: string;
  ticket?: string;
  /** Last day (YYYY-MM-DD, UTC) on which the exception applies. */
  expires: string;
  /** Where it is written, e.g. "flow-policy.yaml:12". */
  source?: string;
}

/** One rule's effective settings. */
export interface RuleSettings {
  enforcement: Enforcement;
  config: Record<string, unknown>;
}

/** A resolved policy: every rule's enforcement and parameters, and the exceptions. */
export interface FlowPolicy {
  /** The policy file it came from, if any. */
  file?: string;
  rules: Record<string, RuleSettings>;
  exceptions: PolicyException[];
  /** `sha256:<hex>` of the policy file's text (reports show which policy was in force). */
  digest?: string;
  /** The baseline in force (the policy file's `baseline:`, or flow-audit's --baseline). */
  baseline?: Baseline;
  /** Where the policy file configures each rule it mentions, e.g. `{ "flow-integration-connected": "flow-policy.yaml:4" }`. */
  ruleSources?: Record<string, string>;
}

/** One known finding: rule, what it is about, and the fingerprint of its deciding evidence. */
export interface BaselineEntry {
  rule: string;
  /** The integration id (per-integration findings). */
  integration?: number;
  /** What a stack-level finding is about (e.g. "vendor gitlab"), when it is not one integration. */
  subject?: string;
  /** 16 hex digits of SHA-256 over the rule's deciding evidence (see fingerprintOf). */
  fingerprint: string;
}

/** A baseline file's content. */
export interface Baseline {
  /** The file, as named on the command line or in the policy file. */
  file: string;
  createdAt: string;
  /** The last day (UTC), YYYY-MM-DD, on which it tolerates anything. */
  expires: string;
  entries: BaselineEntry[];
  /** `sha256:<hex>` of the file's bytes, when it was read from a file (reports record it beside the policy file's digest). */
  digest?: string;
}
