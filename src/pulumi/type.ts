/**
 * The shapes of the Flow resources as the engine and policies see them: type tokens, and how a
 * chunk's properties hold its records (each as JSON text, with the values many of them share
 * held once). Pure (no Pulumi import), so the policy pack may use it.
 */
import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";

/** The type token policies see for one integration resource: pulumi-nodejs:dynamic/flow:Integration. */
export const INTEGRATION_TYPE = "pulumi-nodejs:dynamic/flow:Integration";
/** The type token of a chunk resource, which records many integrations (readFlowIntegrations with `chunks`). */
export const CHUNK_TYPE = "pulumi-nodejs:dynamic/flow:IntegrationChunk";
/** The type token of one integration recorded by the component package (stacks of any language; component/). */
export const PACKAGE_INTEGRATION_TYPE = "flow:index:Integration";
/** The type token of a chunk recorded by the component package. */
export const PACKAGE_CHUNK_TYPE = "flow:index:IntegrationChunk";

/** Whether a resource type records one integration (a dynamic resource of a TypeScript stack, or the component package's). */
export function isIntegrationType(type: string): boolean {
  return type === INTEGRATION_TYPE || type === PACKAGE_INTEGRATION_TYPE;
}

/** Whether a resource type records a chunk of integrations. */
export function isChunkType(type: string): boolean {
  return type === CHUNK_TYPE || type === PACKAGE_CHUNK_TYPE;
}

/**
 * Fields of an integration that many integrations of a tenant usually hold alike — the user
 * objects of who created and last updated it, and the vendor's description — with the chunk
 * property that holds each once (`users["19994"]`, `vendorMeta["github"]`). Together they are
 * about half of a published record's text.
 */
export const SHARED_FIELDS = { created_by: "users", updated_by: "users", vendor_meta: "vendorMeta" } as const;
/** A field held in a chunk's shared tables. */
export type SharedField = keyof typeof SHARED_FIELDS;
/** A chunk property that holds shared values by key. */
export type SharedTable = (typeof SHARED_FIELDS)[SharedField];
/** The chunk properties that hold shared values. */
export const SHARED_TABLES: readonly SharedTable[] = [...new Set(Object.values(SHARED_FIELDS))];

/** One integration inside a chunk: the state an Integration resource would have, without the id (it is the key). */
export interface ChunkEntry {
  /** Every field Flow returned for the integration (a shared one null in its place, see `shared`). */
  integration: Integration;
  /** The connection status, when it was read. */
  connectionStatus?: ConnectionStatus;
  /** The fields whose value the chunk holds in a shared table, each with its key there (`{ created_by: "19994" }`). */
  shared?: Partial<Record<SharedField, string>>;
}

/** The entries of one chunk and its shared tables, as its state holds them. */
export interface EncodedChunk {
  /** Each integration by Flow id, as a ChunkEntry in compact JSON text. */
  integrations: Record<string, string>;
  /** User objects that entries refer to, by user id, each as compact JSON text. */
  users: Record<string, string>;
  /** Vendor descriptions that entries refer to, by vendor name, each as compact JSON text. */
  vendorMeta: Record<string, string>;
}

/** The key of a shared value in its table (a user's id, a vendor's name); undefined when it has none and stays inline. */
function sharedKey(table: SharedTable, value: unknown): string | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (table === "users") return Number.isSafeInteger(v.id) ? String(v.id) : undefined;
  // A vendor's name is Flow's text: only a plain key is used, so that a diff's property path (`vendorMeta["github"]`) needs no escaping.
  return typeof v.name === "string" && /^[\w.-]{1,100}$/.test(v.name) ? v.name : undefined;
}

/**
 * Records as a chunk's state holds them: each integration as one compact JSON string (one
 * string per integration instead of an object tree keeps the data each process of a preview
 * holds — the program's protobuf messages, the engine's property maps, the pack's copy — near
 * the size of the text, while `pulumi preview --diff` still shows the changed fields: the
 * engine's display decodes JSON text and prints an object diff), and the values of
 * SHARED_FIELDS once per chunk, each entry naming its keys in `shared` and holding null in the
 * field's place (so the field keeps its position). The table holds the first value of each key;
 * an entry whose value differs from it (a user edited between two responses) keeps its own
 * inline, as does a value without a key.
 */
export function encodeChunk(records: readonly InventoryRecord[]): EncodedChunk {
  const encoded: EncodedChunk = { integrations: {}, users: {}, vendorMeta: {} };
  for (const record of records) {
    const integration: Record<string, unknown> = { ...record.integration };
    const shared: Partial<Record<SharedField, string>> = {};
    for (const field of Object.keys(SHARED_FIELDS) as SharedField[]) {
      const table = SHARED_FIELDS[field];
      const key = sharedKey(table, integration[field]);
      if (key === undefined) continue;
      const text = JSON.stringify(integration[field]);
      // The first value of a key is the one held; an entry with another value under that key keeps its own.
      if ((encoded[table][key] ??= text) !== text) continue;
      integration[field] = null;
      shared[field] = key;
    }
    const entry: ChunkEntry = { integration: integration as unknown as Integration };
    if (record.connectionStatus) entry.connectionStatus = record.connectionStatus;
    if (Object.keys(shared).length > 0) entry.shared = shared;
    encoded.integrations[String(record.integration.id)] = JSON.stringify(entry);
  }
  return encoded;
}

/**
 * A chunk's entry as data: parsed from its JSON text, or as it is when state recorded it as an
 * object (pulumi-flow 0.2.0); undefined when it is neither. Its shared fields are not filled in
 * (see chunkEntries).
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

/** A chunk's shared tables from its properties, each value parsed once when first asked for (undefined: no such key, or not JSON). */
export function sharedValues(props: Record<string, unknown>): (table: SharedTable, key: string) => unknown {
  const parsed = new Map<string, unknown>();
  return (table, key) => {
    const id = `${table}\0${key}`;
    if (parsed.has(id)) return parsed.get(id);
    const held = props[table];
    const raw = held && typeof held === "object" && !Array.isArray(held) && Object.hasOwn(held, key) ? (held as Record<string, unknown>)[key] : undefined;
    const value = decodeChunkEntry(raw);
    parsed.set(id, value);
    return value;
  };
}

/**
 * An entry with its shared fields filled in from the chunk's tables (each value parsed once per
 * chunk, the same object for every entry that refers to it); undefined when a field refers to
 * a key the tables do not hold, so the entry cannot be read whole.
 */
export function resolveChunkEntry(entry: Partial<ChunkEntry>, lookup: ReturnType<typeof sharedValues>): Partial<ChunkEntry> | undefined {
  const refs = entry.shared;
  if (refs === undefined) return entry;
  if (!refs || typeof refs !== "object" || !entry.integration || typeof entry.integration !== "object") return undefined;
  const integration: Record<string, unknown> = { ...entry.integration };
  for (const [field, key] of Object.entries(refs)) {
    if (!Object.hasOwn(SHARED_FIELDS, field) || typeof key !== "string") return undefined;
    const value = lookup(SHARED_FIELDS[field as SharedField], key);
    if (value === undefined) return undefined;
    integration[field] = value;
  }
  const { shared: _, ...rest } = entry;
  return { ...rest, integration: integration as unknown as Integration };
}

/** The records a chunk's properties hold, with their keys (entries without integration data keep theirs, for the error). */
export function chunkEntries(props: Record<string, unknown>): Array<{ key: string; record: InventoryRecord | undefined }> {
  const integrations = props.integrations;
  if (!integrations || typeof integrations !== "object" || Array.isArray(integrations)) return [];
  const lookup = sharedValues(props);
  return Object.entries(integrations as Record<string, unknown>).map(([key, value]) => {
    const decoded = decodeChunkEntry(value);
    const entry = decoded && resolveChunkEntry(decoded, lookup);
    return {
      key,
      record:
        entry?.integration && typeof entry.integration === "object" && !Array.isArray(entry.integration)
          ? { integration: entry.integration, connectionStatus: entry.connectionStatus ?? undefined }
          : undefined,
    };
  });
}
