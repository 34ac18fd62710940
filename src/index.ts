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
  Integration,
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
