/**
 * Provider-side runtime of the Flow dynamic resources, loaded by the serialized provider when the
 * engine calls it (refresh, `Integration.get` lookups, diffs). Nothing of it is captured in state.
 */
import pLimit from "p-limit";
import { createFlowClient, type FlowClient } from "../api/client";
import { FlowApiError, missingToken } from "../api/errors";
import { changedKeyPaths, propertyPath, withoutVolatile } from "../inventory/diff";
import { PROVIDER_API_URL_KEY, PROVIDER_TOKEN_HINT, providerSettings } from "./settings";
import { chunkDiff, type ChunkState, type PropertyDiff } from "./chunk";
import { encodeChunk } from "./type";
import { fromIntegrationState, toIntegrationState, type IntegrationState } from "./state";

export { forwardDetailedDiffs, withDetailedDiff } from "./detailed-diff";

let providerConfig: ((key: string) => string | undefined) | undefined;

/** Called from the provider's configure(): remembers the provider's inputs (the API URL only). */
export function configure(get: (key: string) => string | undefined): void {
  providerConfig = get;
}

let hinted = false;

/**
 * How to give the provider a token: in full the first time in this provider process (one per
 * run), then a pointer to it — the engine prints one error per resource, and a refresh of 5,000
 * integrations would otherwise repeat the whole hint 5,000 times.
 */
function tokenHint(): string {
  if (hinted) return "set FLOW_API_TOKEN (how and why: the first error of this run)";
  hinted = true;
  return PROVIDER_TOKEN_HINT;
}

/** An error for the engine: its message only (the dynamic provider prints an error's stack, which would point into files the package does not ship). */
function clean(e: unknown): Error {
  const error = new Error(e instanceof Error ? e.message : String(e));
  error.stack = "";
  return error;
}

/**
 * A client for the provider's settings (the API URL given, else from the provider's inputs; the
 * token from FLOW_API_TOKEN); `use` runs with it.
 */
async function withClient<T>(use: (client: FlowClient) => Promise<T>, apiUrl?: string): Promise<T> {
  const settings = providerSettings(apiUrl ?? providerConfig?.(PROVIDER_API_URL_KEY));
  try {
    if (!settings.token) throw missingToken(tokenHint());
    const client = createFlowClient({ baseUrl: settings.apiUrl, token: settings.token });
    try {
      return await use(client);
    } finally {
      client.close();
    }
  } catch (e) {
    throw clean(e);
  }
}

/** One integration and its connection status; undefined when Flow answers 404 (it was deleted). */
async function readOne(client: FlowClient, id: number): Promise<IntegrationState | undefined> {
  try {
    const [integration, connectionStatus] = await Promise.all([client.getIntegration(id), client.getConnectionStatus(id)]);
    return toIntegrationState({ integration, connectionStatus });
  } catch (e) {
    if (e instanceof FlowApiError && e.kind === "http" && e.status === 404) return undefined;
    throw e;
  }
}

/**
 * Reads one integration and its connection status from Flow (refresh). Undefined when Flow no
 * longer has it: refresh then shows the resource as deleted.
 */
export function readIntegration(id: number, apiUrl?: string): Promise<IntegrationState | undefined> {
  return withClient((client) => readOne(client, id), apiUrl);
}

/**
 * The provider's read of an Integration: a refresh (the engine passes the recorded outputs,
 * which hold `integrationId`) re-reads Flow and answers an empty id for an integration Flow no
 * longer has, so the engine drops it; a lookup by id (`Integration.get`, whose properties hold no
 * recorded state) fails on an id Flow does not have, naming it.
 */
export async function readIntegrationResource(
  id: string,
  props: Record<string, unknown> | undefined,
): Promise<{ id: string; props: (IntegrationState & { personalData?: unknown }) | Record<string, never> }> {
  const refresh = props?.integrationId !== undefined;
  const n = /^\d{1,16}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw clean(`${refresh ? "refresh" : "Integration.get"}: ${JSON.stringify(id)} is not a Flow integration id (a positive integer)`);
  if (refresh) {
    const state = await readIntegration(n);
    // The recorded setting stays (it is the program's, not Flow's).
    const kept = props.personalData === undefined ? {} : { personalData: props.personalData };
    return state ? { id, props: { ...state, ...kept } } : { id: "", props: {} };
  }
  return withClient(async (client) => {
    try {
      // One after the other, so that an id Flow does not have is always reported by getIntegration.
      const integration = await client.getIntegration(n);
      const connectionStatus = await client.getConnectionStatus(n);
      return { id, props: toIntegrationState({ integration, connectionStatus }) };
    } catch (e) {
      throw new Error(`Integration.get: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  });
}

/** How many integrations of a chunk a refresh reads at once (each is two requests). */
const CHUNK_READ_CONCURRENCY = 8;

/**
 * Re-reads every integration of a chunk (refresh): those Flow no longer has leave the chunk,
 * so refresh shows them as removed from it. Integrations added to Flow since are not found by
 * a refresh (as with one resource per integration); the next preview or up records them.
 */
export function readChunk(state: ChunkState, apiUrl?: string): Promise<ChunkState> {
  return withClient(async (client) => {
    const limit = pLimit(CHUNK_READ_CONCURRENCY);
    const ids = Object.keys(state.integrations ?? {});
    const read = await Promise.all(ids.map((id) => limit(() => readOne(client, Number(id)))));
    const records = read.flatMap((entry) => (entry ? [fromIntegrationState(entry)] : []));
    return { chunk: state.chunk, chunks: state.chunks, ...encodeChunk(records) };
  }, apiUrl);
}

/** The engine's diff result for a chunk (see chunkDiff). */
export function diffChunk(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; detailedDiff: Record<string, PropertyDiff> } {
  const detailedDiff = chunkDiff(olds, news);
  return { changes: Object.keys(detailedDiff).length > 0, replaces: [], deleteBeforeReplace: false, detailedDiff };
}

/** Whether a JSON object holds a value at a key path. */
function holds(value: unknown, keys: string[]): boolean {
  let v = value;
  for (const k of keys) {
    if (v === null || typeof v !== "object" || Array.isArray(v) || (v as Record<string, unknown>)[k] === undefined) return false;
    v = (v as Record<string, unknown>)[k];
  }
  return true;
}

/**
 * The provider's diff: every changed field path (added, deleted or updated; never a replace),
 * in the engine's property path syntax. Volatile fields (sync and check timestamps) do not count as drift.
 */
export function diff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; detailedDiff: Record<string, PropertyDiff> } {
  const [before, after] = [withoutVolatile(olds), withoutVolatile(news)];
  const detailedDiff: Record<string, PropertyDiff> = {};
  for (const keys of changedKeyPaths(before, after)) {
    const kind = !holds(before, keys) ? "add" : !holds(after, keys) ? "delete" : "update";
    detailedDiff[propertyPath(keys)] = { kind, inputDiff: true };
  }
  return { changes: Object.keys(detailedDiff).length > 0, replaces: [], deleteBeforeReplace: false, detailedDiff };
}
