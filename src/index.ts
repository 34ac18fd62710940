/**
 * pulumi-flow: Appfire Flow integrations as Pulumi state, and the rules a CrossGuard pack gates
 * them with. Other entry points: `pulumi-flow/rules` (the rules without Pulumi),
 * `pulumi-flow/policy` (the pack; needs @pulumi/policy), `pulumi-flow/simulator` (a test double).
 */

export { createFlowClient, DEFAULT_FLOW_API_URL, DEFAULT_PAGE_SIZE, parseRetryAfter } from "./api/client";
export type { ClientStats, FlowClient, FlowClientOptions, InventoryOptions, RequestEvent, RetryOptions } from "./api/client";
export { FlowApiError, redact } from "./api/errors";
import { packageVersion } from "./api/version";
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

/** The package version, as published. */
export const version = packageVersion();

export { FlowIntegrations, readFlowIntegration, readFlowIntegrations } from "./pulumi/collection";
export type { FlowIntegrationsArgs } from "./pulumi/collection";
export { getIntegration, getIntegrationOutput, getIntegrations, getIntegrationsOutput } from "./pulumi/functions";
export type { GetIntegrationArgs, GetIntegrationOutputArgs, GetIntegrationsArgs, GetIntegrationsOutputArgs } from "./pulumi/functions";
export { flowProvider } from "./pulumi/provider";
export { Integration, INTEGRATION_TYPE } from "./pulumi/integration";
export type { IntegrationArgs, IntegrationState } from "./pulumi/integration";
export type { FlowConnectionArgs } from "./pulumi/settings";
export { fromIntegrationState } from "./pulumi/state";
export { IntegrationChunk } from "./pulumi/chunk-resource";
export type { IntegrationChunkArgs } from "./pulumi/chunk-resource";
export { CHUNK_TYPE, chunkEntries } from "./pulumi/type";
export { chunkOf, MAX_CHUNKS } from "./pulumi/chunk";
export type { ChunkEntry, ChunkState } from "./pulumi/chunk";

export { connectionHealth, isConnected, lastSync, syncAgeDays, webhooksOff } from "./inventory/health";
export type { ConnectionHealth } from "./inventory/health";
export { summarize } from "./inventory/summary";
export type { InventorySummary, SummaryOptions } from "./inventory/summary";
export { changedPaths, diffInventories, VOLATILE_FIELDS } from "./inventory/diff";
export type { ChangedIntegration, InventoryDiff } from "./inventory/diff";
export { maskPersonalData } from "./inventory/privacy";
// The rules, their evaluation and the policy file: the whole of the `pulumi-flow/rules` entry.
export * from "./entries/rules";
export { parsePreviewEvents } from "./pulumi/events";
export type { PolicyViolationEvent, PreviewEvents } from "./pulumi/events";
