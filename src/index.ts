/**
 * pulumi-flow: Appfire Flow integrations as Pulumi state, and a CrossGuard policy pack over them.
 */

export { createFlowClient, DEFAULT_FLOW_API_URL, DEFAULT_PAGE_SIZE, parseRetryAfter } from "./api/client";
export type { ClientStats, FlowClient, FlowClientOptions, InventoryOptions, RequestEvent, RetryOptions } from "./api/client";
export { FlowApiError, redact } from "./api/errors";
export type { FlowErrorKind } from "./api/errors";
export type {
  ConnectionStatus,
  EnabledSourceType,
  FlowUser,
  Integration as IntegrationData,
  IntegrationList,
  IntegrationQuery,
  InventoryRecord,
  UserRef,
  VendorMeta,
} from "./api/types";
export { startFlowSimulator } from "./simulator/server";
export type { FaultAction, FaultRule, FlowSimulator, FlowSimulatorOptions, RequestLogEntry, Route } from "./simulator/server";
export { demoDataset, generatedDataset, loadDataset } from "./simulator/datasets";
export type { SimulatedIntegration } from "./simulator/datasets";

/** The package version, as published. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = require("../package.json").version;

export { FlowIntegrations, readFlowIntegrations } from "./pulumi/collection";
export type { FlowIntegrationsArgs } from "./pulumi/collection";
export { getIntegration, getIntegrationOutput, getIntegrations, getIntegrationsOutput } from "./pulumi/functions";
export type { GetIntegrationArgs, GetIntegrationsArgs } from "./pulumi/functions";
export { Integration, INTEGRATION_TYPE } from "./pulumi/integration";
export type { IntegrationArgs, IntegrationState } from "./pulumi/integration";
export type { FlowConnectionArgs } from "./pulumi/settings";
export { isConnected, summarize } from "./pulumi/summary";
export type { InventorySummary, SummaryOptions } from "./pulumi/summary";
export { fromIntegrationState } from "./pulumi/state";

export { findRule, rules } from "./rules/index";
export type { AppliedException, Enforcement, Finding, FindingStatus, FindingSubject, IntegrationRule, Outcome, Rule, RuleConfigSchema, RuleContext, RuleMeta, Severity, StackOutcome, StackRule } from "./rules/types";
export { applyExceptions, evaluateInventory, exceptionMatches, exceptionState, isFailing, isOpen } from "./rules/evaluate";
export type { EvaluateOptions, FailOn } from "./rules/evaluate";
export { DEFAULT_POLICY_FILE, POLICY_FILE_ENV, PolicyFileError, defaultPolicy, findPolicyFile, loadPolicy, loadPolicyFile, parsePolicy, policyFileSchema } from "./rules/policy";
export type { FlowPolicy, PolicyException, RuleSettings } from "./rules/policy";
export { resolveRuleConfig, ruleHelpUri } from "./rules/util";
export { EXCEPTIONS_POLICY, exceptionNotice, flowPolicies, startFlowPolicyPack, violationMessage } from "./policy/pack";
export type { FlowPoliciesOptions } from "./policy/pack";
export { parsePreviewEvents } from "./pulumi/events";
export type { PolicyViolationEvent, PreviewEvents } from "./pulumi/events";
