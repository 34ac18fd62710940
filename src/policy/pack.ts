import type { Policies, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";
import { INTEGRATION_TYPE } from "../pulumi/integration";
import { terminalSafe } from "../api/ingest";
import { describeProblem, recordProblems } from "../api/validation";
import { applyExceptions, dataErrorFinding, evaluateIntegrationRule, evaluateStackRule, isOpen } from "../rules/evaluate";
import { rules as allRules } from "../rules/index";
import { loadPolicy, PolicyFileError, type FlowPolicy } from "../rules/policy";
import type { Finding, Rule } from "../rules/types";
import { label, resolveRuleConfig, ruleHelpUri, RULES_DOCS_URL } from "../rules/util";

/** Where unusable data and the gate's behaviour on it are explained. */
const DOCS_DATA_URL = RULES_DOCS_URL.replace(/rules\.md$/, "cli.md#unusable-data-from-flow");

/** The advisory policy that lists violations suppressed by active exceptions. */
export const EXCEPTIONS_POLICY = "flow-exceptions-applied";
/**
 * The mandatory policy that fails the gate when an enabled rule could not judge an integration
 * because Flow sent a field it reads in an unusable shape (whatever that rule's own level).
 */
export const DATA_POLICY = "flow-integration-data-usable";

/** Options of flowPolicies. */
export interface FlowPoliciesOptions {
  /** A resolved policy; default: the policy file found by loadPolicy (FLOW_POLICY_FILE, ./flow-policy.yaml), else defaults. */
  policy?: FlowPolicy;
  /** Reference time for exceptions and sync age (default: the clock at each evaluation). */
  now?: () => Date;
  /** Rules to wrap (default: all). */
  rules?: readonly Rule[];
}

interface Suppressed {
  finding: Finding;
  urn?: string;
}

/** The text a policy reports for a failing finding: what is wrong, how to fix it, where to read more (terminal-safe). */
export function violationMessage(f: Finding): string {
  const parts = [f.message, `Fix: ${f.remediation}`];
  if (f.exception?.state === "expired") {
    parts.push(`An exception for this (reason: ${f.exception.reason}) expired on ${f.exception.expires}; it no longer applies.`);
  }
  parts.push(`See ${f.helpUri}`);
  return terminalSafe(parts.join(" "));
}

/** The advisory notice for a violation an active exception suppresses. */
export function exceptionNotice(f: Finding): string {
  const x = f.exception!;
  const who = [x.owner && `owner ${x.owner}`, x.ticket && `ticket ${x.ticket}`].filter(Boolean).join(", ");
  return terminalSafe(`[${f.ruleId}] suppressed by an exception until ${x.expires}${who ? ` (${who})` : ""}: ${x.reason}. Suppressed finding: ${f.message}`);
}

/** Turns a flow:Integration resource's properties into an inventory record (undefined if it is not one). */
export function recordOf(type: string, props: Record<string, unknown>): InventoryRecord | undefined {
  if (type !== INTEGRATION_TYPE) return undefined;
  return { integration: props.integration as Integration, connectionStatus: (props.connectionStatus ?? undefined) as ConnectionStatus | undefined };
}

function configSchemaOf(rule: Rule, params: Record<string, unknown>): PolicyConfigSchema {
  const properties = Object.fromEntries(Object.entries(rule.configSchema.properties).map(([k, s]) => [k, { ...s, default: params[k] }]));
  return { properties } as PolicyConfigSchema;
}

function malformed(rule: Rule, name: string, enforcement: Finding["enforcement"]): Finding {
  return {
    ruleId: rule.id,
    status: "error",
    severity: rule.severity,
    enforcement,
    message: `Resource '${name}' of type ${INTEGRATION_TYPE} carries no integration data, so ${rule.id} cannot check it.`,
    remediation: "Create flow:Integration resources through readFlowIntegrations / FlowIntegrations so they carry the integration read from Flow.",
    helpUri: ruleHelpUri(rule.id),
    evidence: {},
  };
}

/**
 * The CrossGuard policies over Flow integrations: one per rule (resource policies for
 * per-integration rules, stack policies for cross-integration ones) plus an advisory policy
 * that lists what active exceptions suppress. Enforcement and parameters come from the
 * policy file; `--policy-pack-config` overrides both.
 */
export function flowPolicies(options: FlowPoliciesOptions = {}): Policies {
  const rules = options.rules ?? allRules;
  const policy = options.policy ?? loadPolicy({ searchDirs: [...new Set([process.env.PWD, process.cwd()].filter((d): d is string => !!d))], baseDir: process.env.PWD ?? process.cwd() });
  const now = options.now ?? (() => new Date());
  // Suppressed findings of this pack instance, reported by the exceptions policy at stack validation.
  const suppressed = new Map<string, Suppressed>();
  // The engine decides the enforcement level (it may differ from the policy file's), so a
  // policy that runs reports every violation or error an active exception does not cover.
  const settle = (f: Finding, report: ReportViolation, urn?: string) => {
    const g = applyExceptions(f, policy.exceptions, now());
    if (isOpen(g)) report(violationMessage(g), urn);
    else if (g.exception?.state === "active") suppressed.set(`${g.ruleId}\u0000${urn ?? g.subject ?? ""}\u0000${g.integration?.id ?? ""}`, { finding: g, urn });
  };

  const policies: Policies = rules.map((rule): ResourceValidationPolicy | StackValidationPolicy => {
    const settings = policy.rules[rule.id] ?? { enforcement: rule.enforcement, config: rule.defaults };
    const base = {
      name: rule.id,
      description: rule.description,
      enforcementLevel: settings.enforcement,
      severity: rule.severity,
      configSchema: configSchemaOf(rule, settings.config),
    };
    if (rule.scope === "integration") {
      return {
        ...base,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
          const record = recordOf(args.type, args.props);
          if (!record) return;
          const config = resolveRuleConfig(rule, args.getConfig<Record<string, unknown>>());
          if (!record.integration) return settle(malformed(rule, args.name, settings.enforcement), report, args.urn);
          const f = evaluateIntegrationRule(rule, record, config, { now: now() });
          if (f.status === "not-applicable") args.notApplicable(f.message);
          settle(f, report, args.urn);
        },
      };
    }
    return {
      ...base,
      validateStack: (args: StackValidationArgs, report: ReportViolation) => {
        const urnById = new Map<number, string>();
        const records: InventoryRecord[] = [];
        for (const r of args.resources) {
          const record = recordOf(r.type, r.props);
          if (!record) continue;
          if (!record.integration) {
            settle(malformed(rule, r.name, settings.enforcement), report, r.urn);
            continue;
          }
          records.push(record);
          urnById.set(record.integration.id, r.urn);
        }
        const config = resolveRuleConfig(rule, args.getConfig<Record<string, unknown>>());
        for (const f of evaluateStackRule(rule, records, config, { now: now() })) {
          settle(f, report, f.integration ? urnById.get(f.integration.id) : undefined);
        }
      },
    };
  });

  const enabled = rules.filter((r) => (policy.rules[r.id]?.enforcement ?? r.enforcement) !== "disabled");
  policies.push({
    name: DATA_POLICY,
    description: "Checks that every field an enabled rule reads arrived from Flow in a usable shape (an evaluation over unusable data is incomplete, so it fails the gate).",
    enforcementLevel: "mandatory",
    severity: "high",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const record = recordOf(args.type, args.props);
      if (!record?.integration) return;
      const problems = recordProblems(record);
      if (problems.length === 0) return;
      // Only errors no active exception covers fail the gate, as for any other finding.
      const open = enabled
        .map((rule) => dataErrorFinding(rule, record, problems))
        .filter((f): f is Finding => f !== undefined && isOpen(applyExceptions(f, policy.exceptions, now())));
      if (open.length === 0) return;
      const blocking = [...new Map(open.flatMap((f) => f.dataProblems ?? []).map((p) => [p.path + p.document, p])).values()];
      report(terminalSafe(
        `${label(record.integration)} could not be fully evaluated: Flow sent ${blocking.map(describeProblem).join("; ")}. ` +
          `Rules that could not decide: ${open.map((f) => f.ruleId).join(", ")}. Fix: ${open[0].remediation} See ${DOCS_DATA_URL}`),
        args.urn,
      );
    },
  });
  policies.push({
    name: EXCEPTIONS_POLICY,
    description: "Lists the violations that active exceptions in the policy file suppress (advisory notices; never fails the gate).",
    enforcementLevel: "advisory",
    validateStack: (_args: StackValidationArgs, report: ReportViolation) => {
      for (const { finding, urn } of suppressed.values()) report(exceptionNotice(finding), urn);
      suppressed.clear();
    },
  });
  return policies;
}

/**
 * Starts the pulumi-flow policy pack (call it from a pack's index.ts). A policy file that cannot
 * be used stops the pack with its file:line:column, which fails the preview: the gate fails closed.
 */
export function startFlowPolicyPack(name = "pulumi-flow", options: FlowPoliciesOptions = {}): void {
  let policies: Policies;
  try {
    policies = flowPolicies(options);
  } catch (e) {
    if (e instanceof PolicyFileError) {
      process.stderr.write(`pulumi-flow policy pack: invalid policy file: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // Loaded here, not at the top: only packs need @pulumi/policy (an optional peer dependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PolicyPack } = require("@pulumi/policy") as typeof import("@pulumi/policy");
  new PolicyPack(name, { policies });
}
