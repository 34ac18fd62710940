import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";

/** The state (inputs = outputs) of a flow:Integration resource. */
export interface IntegrationState {
  /** The Flow integration id (the resource's own `id` is its string form). */
  integrationId: number;
  /** Every field Flow returned for the integration. */
  integration: Integration;
  /** The connection status, when it was read. */
  connectionStatus?: ConnectionStatus;
}

/** Maps an inventory record to resource state; JSON round-trip drops undefined values the engine would reject. */
export function toIntegrationState(record: InventoryRecord): IntegrationState {
  const state: IntegrationState = { integrationId: record.integration.id, integration: record.integration };
  if (record.connectionStatus) state.connectionStatus = record.connectionStatus;
  return JSON.parse(JSON.stringify(state));
}

/** The inventory record held in a resource's state (what policies and rules evaluate). */
export function fromIntegrationState(state: IntegrationState): InventoryRecord {
  return { integration: state.integration, connectionStatus: state.connectionStatus };
}

/** Paths (a.b.c) whose values differ between two JSON values; keys starting with "__" are ignored. */
export function changedPaths(olds: unknown, news: unknown, prefix = ""): string[] {
  if (JSON.stringify(olds) === JSON.stringify(news)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(olds) || !isObj(news)) return [prefix || "."];
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
  return [...keys].sort().flatMap((k) => changedPaths(olds[k], news[k], prefix ? `${prefix}.${k}` : k));
}
