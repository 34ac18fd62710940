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
  return JSON.parse(JSON.stringify(state)) as IntegrationState;
}

/** The inventory record held in a resource's state (what policies and rules evaluate). */
export function fromIntegrationState(state: IntegrationState): InventoryRecord {
  return { integration: state.integration, connectionStatus: state.connectionStatus };
}
