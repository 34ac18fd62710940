/**
 * The shapes of the Flow resources as the engine and policies see them: type tokens, and how a
 * chunk's properties hold its records. Pure (no Pulumi import), so the policy pack may use it.
 */
import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";

/** The type token policies see for one integration resource: pulumi-nodejs:dynamic/flow:Integration. */
export const INTEGRATION_TYPE = "pulumi-nodejs:dynamic/flow:Integration";
/** The type token of a chunk resource, which records many integrations (readFlowIntegrations with `chunks`). */
export const CHUNK_TYPE = "pulumi-nodejs:dynamic/flow:IntegrationChunk";

/** One integration inside a chunk: the state an Integration resource would have, without the id (it is the key). */
export interface ChunkEntry {
  /** Every field Flow returned for the integration. */
  integration: Integration;
  /** The connection status, when it was read. */
  connectionStatus?: ConnectionStatus;
}

/** The records a chunk's properties hold, with their keys (entries without integration data keep theirs, for the error). */
export function chunkEntries(props: Record<string, unknown>): Array<{ key: string; record: InventoryRecord | undefined }> {
  const integrations = props.integrations;
  if (!integrations || typeof integrations !== "object" || Array.isArray(integrations)) return [];
  return Object.entries(integrations as Record<string, Partial<ChunkEntry> | null>).map(([key, entry]) => ({
    key,
    record:
      entry?.integration && typeof entry.integration === "object"
        ? { integration: entry.integration, connectionStatus: entry.connectionStatus ?? undefined }
        : undefined,
  }));
}
