/**
 * The chunked granularity: a large tenant recorded in a fixed number of resources, each holding
 * the integrations whose id falls in its bucket (`id % chunks`). Pure functions only (the pack
 * and the provider use them); the resource itself is in chunk-resource.ts.
 *
 * A chunk's state keys each integration by its id, its value the integration's entry as JSON
 * text (see encodeChunkEntry), so a diff names the integration (`integrations["102"]`) and
 * `pulumi preview --diff` shows its changed fields, and the pack judges and reports every
 * integration of a chunk on its own.
 */
import type { InventoryRecord } from "../api/types";
import { changedPaths, withoutVolatile } from "../inventory/diff";
import { decodeChunkEntry, encodeChunkEntry } from "./type";

/** Most chunks a stack may ask for (more would be the one-resource-per-integration mode with extra steps). */
export const MAX_CHUNKS = 1000;

export type { ChunkEntry } from "./type";

/** The state (inputs = outputs) of a flow:IntegrationChunk resource. */
export interface ChunkState {
  /** This chunk's bucket, 0 … chunks - 1. */
  chunk: number;
  /** How many chunks the inventory is recorded in. */
  chunks: number;
  /** The integrations of this bucket by Flow id (as a string key), each a ChunkEntry as JSON text. */
  integrations: Record<string, string>;
}

/** Checks a `chunks` setting: an integer from 1 to MAX_CHUNKS; the message names where it came from. */
export function checkChunks(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_CHUNKS) {
    throw new Error(
      `${where} must be a whole number from 1 to ${MAX_CHUNKS} (the number of resources the inventory is recorded in), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The bucket of an integration id: stable for as long as `chunks` is unchanged. */
export function chunkOf(id: number, chunks: number): number {
  return ((Math.trunc(id) % chunks) + chunks) % chunks;
}

/** The records in `chunks` buckets, as chunk states (every bucket, also an empty one, so the resource count stays fixed). */
export function toChunkStates(records: readonly InventoryRecord[], chunks: number): ChunkState[] {
  const states: ChunkState[] = Array.from({ length: chunks }, (_, chunk) => ({ chunk, chunks, integrations: {} }));
  for (const record of records) {
    const id = record.integration.id;
    states[chunkOf(id, chunks)].integrations[String(id)] = encodeChunkEntry(record);
  }
  return states;
}

/** A detailed diff entry of the engine (the kinds this provider reports). */
export interface PropertyDiff {
  kind: "add" | "delete" | "update";
  inputDiff: boolean;
}

/** The property path of one integration in a chunk: integrations["102"]. */
const entryPath = (id: string) => `integrations["${id}"]`;

/**
 * The diff of a chunk: per integration, added, removed, or updated when a field other than a
 * volatile one changed, each path naming the integration (an entry is JSON text, so the engine
 * can resolve no deeper path; its display decodes the text and shows the fields that differ).
 * Entries are compared as data, so state recorded as objects (0.2.0) and as text compare
 * equal when the integration is unchanged. Never a replace.
 */
export function chunkDiff(olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, PropertyDiff> {
  const before = (olds.integrations ?? {}) as Record<string, unknown>;
  const after = (news.integrations ?? {}) as Record<string, unknown>;
  const diff: Record<string, PropertyDiff> = {};
  for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(id in before)) diff[entryPath(id)] = { kind: "add", inputDiff: true };
    else if (!(id in after)) diff[entryPath(id)] = { kind: "delete", inputDiff: true };
    else if (changedPaths(withoutVolatile(decodeChunkEntry(before[id])), withoutVolatile(decodeChunkEntry(after[id]))).length > 0)
      diff[entryPath(id)] = { kind: "update", inputDiff: true };
  }
  for (const key of ["chunk", "chunks"]) if (olds[key] !== news[key]) diff[key] = { kind: "update", inputDiff: true };
  return diff;
}
