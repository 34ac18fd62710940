/**
 * The shapes of the Flow resources as the engine and policies see them: type tokens, and how a
 * chunk's properties hold its records (each as JSON text). Pure (no Pulumi import), so the policy pack may use it.
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

/**
 * A chunk's integration as its state holds it: the entry as compact JSON text. One string per
 * integration instead of an object tree keeps the data each process of a preview holds (the
 * program's protobuf messages, the engine's property maps, the pack's copy) near the size of
 * the text, while `pulumi preview --diff` still shows the changed fields: the engine's display
 * decodes JSON text and prints an object diff.
 */
export function encodeChunkEntry(record: InventoryRecord): string {
  const entry: ChunkEntry = { integration: record.integration };
  if (record.connectionStatus) entry.connectionStatus = record.connectionStatus;
  return JSON.stringify(entry);
}

/**
 * A chunk's entry as data: parsed from its JSON text, or as it is when state recorded it as an
 * object (pulumi-flow 0.2.0); undefined when it is neither.
 */
export function decodeChunkEntry(value: unknown): Partial<ChunkEntry> | undefined {
  if (typeof value === "string") {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** The records a chunk's properties hold, with their keys (entries without integration data keep theirs, for the error). */
export function chunkEntries(props: Record<string, unknown>): Array<{ key: string; record: InventoryRecord | undefined }> {
  const integrations = props.integrations;
  if (!integrations || typeof integrations !== "object" || Array.isArray(integrations)) return [];
  return Object.entries(integrations as Record<string, unknown>).map(([key, value]) => {
    const entry = decodeChunkEntry(value);
    return {
      key,
      record:
        entry?.integration && typeof entry.integration === "object" && !Array.isArray(entry.integration)
          ? { integration: entry.integration, connectionStatus: entry.connectionStatus ?? undefined }
          : undefined,
    };
  });
}
