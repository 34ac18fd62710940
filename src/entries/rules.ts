/**
 * `pulumi-flow/rules`: the rules, their evaluation and the policy file, with no Pulumi — for your
 * own tooling, reports or other policy engines.
 */
export { findRule, rules } from "../rules/index";
export type {
  AppliedException,
  Enforcement,
  Finding,
  FindingStatus,
  FindingSubject,
  FlowPolicy,
  IntegrationRule,
  Outcome,
  PolicyException,
  Rule,
  RuleConfigSchema,
  RuleContext,
  RuleMeta,
  RuleSettings,
  Severity,
  StackOutcome,
  StackRule,
} from "../rules/types";
export { defaultPolicy, enabledRules, evaluateInventory, isDataError, isFailing, isOpen, judge, ruleSettings, unreadDataProblems } from "../rules/evaluate";
export type { EvaluateOptions, FailOn, JudgeContext } from "../rules/evaluate";
export { applyExceptions, exceptionMatches, exceptionState, globMatch } from "../rules/exceptions";
export { resolveRuleConfig, ruleHelpUri } from "../rules/util";
export {
  DEFAULT_POLICY_FILE,
  POLICY_FILE_ENV,
  PolicyFileError,
  findPolicyFile,
  loadPolicy,
  loadPolicyFile,
  parsePolicy,
  policyFileJsonSchema,
  policyFileSchema,
} from "../config/policy-file";
export { recordProblems } from "../api/validation";
export type { DataProblem } from "../api/validation";
export type { ConnectionStatus, Integration as IntegrationData, InventoryRecord } from "../api/types";
