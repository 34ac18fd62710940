import createClient, { type Middleware } from "openapi-fetch";
import pLimit from "p-limit";
import type { Dispatcher } from "undici";
import { flowConnection } from "./connection";
import { FlowApiError } from "./errors";
import { ingestText } from "./ingest";
import { readListing, streamListing, type ListingOptions } from "./pagination";
import type { paths } from "./schema";
import {
  answerOf,
  createTransport,
  type Answer,
  type ClientStats,
  type RequestContext,
  type RequestEvent,
  type RetryOptions,
  type TransportSettings,
} from "./transport";
import type { ConnectionStatus, Integration, IntegrationList, IntegrationQuery, InventoryRecord } from "./types";
import { errorDetail, validateIntegration, validateIntegrationList } from "./validation";

export { parseRetryAfter } from "./transport";
export type { ClientStats, RequestEvent, RetryOptions } from "./transport";

export { DEFAULT_FLOW_API_URL } from "./connection";
/** Page size we ask for; servers may cap it, and we follow `next` whatever they return. */
export const DEFAULT_PAGE_SIZE = 1000;
/** Per-attempt deadline (connect, headers and the whole body), in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Deadline of a whole run (every request and retry of one client), in ms: 10 minutes. */
export const DEFAULT_DEADLINE_MS = 600_000;
/** Largest response body read, in bytes: 32 MiB (a 1,000-record page of Flow's example shape is about 3 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/**
 * Budget of response bytes (decompressed) for a whole run: 256 MiB. A 10,000-integration tenant
 * of Flow's example shape reads about 30 MB of records and 2 MB of connection statuses.
 */
export const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024 * 1024;
/** Most integrations one listing may hold: 50,000 (five times a 10,000-integration tenant). */
export const DEFAULT_MAX_RECORDS = 50_000;

/** Options of createFlowClient; every one has a default. */
export interface FlowClientOptions {
  /** Base URL up to /customer/core. Default: FLOW_API_URL, else Flow Cloud. */
  baseUrl?: string | undefined;
  /** API key. Default: FLOW_API_TOKEN. Required. */
  token?: string | undefined;
  /** The undici dispatcher to send requests through (e.g. a ProxyAgent); default: a shared keep-alive Agent. */
  dispatcher?: Dispatcher | undefined;
  /** Per-attempt deadline in ms covering connect, headers and the whole body (default FLOW_API_TIMEOUT_MS, else 30 000). */
  timeoutMs?: number | undefined;
  /** Deadline of everything this client does, in ms from its creation (default FLOW_API_DEADLINE_MS, else 600 000). */
  deadlineMs?: number | undefined;
  /** Largest response body in bytes (default FLOW_API_MAX_RESPONSE_BYTES, else 32 MiB). */
  maxResponseBytes?: number | undefined;
  /** Budget of response bytes for everything this client reads (default FLOW_API_MAX_TOTAL_BYTES, else 256 MiB). */
  maxTotalBytes?: number | undefined;
  /** Most integrations a listing may hold (default FLOW_API_MAX_RECORDS, else 50,000). */
  maxRecords?: number | undefined;
  /** Retry policy (maxAttempts default FLOW_API_MAX_ATTEMPTS, else 5). */
  retry?: RetryOptions | undefined;
  /** Concurrent connection-status requests (default 8). */
  concurrency?: number | undefined;
  /** Page size requested from the list endpoint (default 1000). */
  pageSize?: number | undefined;
  /** Called after every HTTP attempt. */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /** Waits between retries (injectable for tests and benchmarks; default setTimeout); told which request and operation waits. */
  sleep?: ((ms: number, context: { operation: string; url: string; attempt: number }) => Promise<void>) | undefined;
  /** Environment to read defaults from (default process.env). */
  env?: Record<string, string | undefined> | undefined;
}

/** Options of getInventory. */
export interface InventoryOptions {
  /** Also read each integration's connection status (default true). */
  connectionStatus?: boolean | undefined;
  /** Called as integrations and statuses arrive. */
  onProgress?: ((progress: { integrations: number; statuses: number }) => void) | undefined;
}

/** A read-only, bounded, retrying client for Flow's Integrations API. */
export interface FlowClient {
  readonly baseUrl: string;
  readonly stats: ClientStats;
  /**
   * Every integration matching the query, yielded page by page as the pages arrive. The listing's
   * consistency checks (see pagination.ts) still hold: an inconsistent listing ends the iteration
   * with an error (kind `inconsistent`) after the records already yielded, so only an iteration
   * that completes has read a consistent listing. It is not read again (getInventory is).
   */
  listIntegrations(query?: IntegrationQuery): AsyncIterable<Integration>;
  /** One integration by id. */
  getIntegration(id: number): Promise<Integration>;
  /** One integration's connection status. */
  getConnectionStatus(id: number): Promise<ConnectionStatus>;
  /** Integrations with their connection status, status calls running with bounded concurrency. */
  getInventory(query?: IntegrationQuery, options?: InventoryOptions): Promise<InventoryRecord[]>;
  /** Ends the run's deadline timer early (optional: it never keeps a process alive). */
  close(): void;
}

/** The spec's operationId of each path (a unit test keeps this in sync with openapi.yaml). */
export const OPERATIONS: Record<string, string> = {
  "/integrations": "listIntegrations",
  "/integrations/{id}": "getIntegration",
  "/integrations/{id}/connection_status": "getConnectionStatus",
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Checks and normalises a base URL: https, or http only on loopback; no trailing slash. */
export function normaliseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlowApiError({ kind: "config", summary: `the base URL "${ingestText(raw, undefined, 100)}" is not a valid URL` });
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new FlowApiError({
      kind: "config",
      summary: `refusing the base URL ${url.origin}: the API token may only be sent over https (plain http is allowed for loopback addresses only)`,
    });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new FlowApiError({ kind: "config", summary: "the base URL must not contain credentials, a query or a fragment" });
  }
  url.pathname = url.pathname.replace(/\/+$/, "");
  return url;
}

/** A positive number from an option, else from an environment variable, else a default; a bad variable is a config error. */
function setting(value: number | undefined, env: Record<string, string | undefined>, name: string, fallback: number): number {
  if (value !== undefined) return value;
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new FlowApiError({ kind: "config", summary: `${name} must be a positive number (got ${JSON.stringify(ingestText(raw, undefined, 40))})` });
  return n;
}

/** openapi-fetch's result as an Answer. */
function fetched<T>(result: { data?: T; error?: unknown; response: Response }): Answer<T> {
  return { status: result.response.status, data: result.data, error: result.error };
}

/** The data of a 2xx response, or a FlowApiError with DRF's detail and a hint for other statuses. */
function check<T>(token: string, operation: string, result: Answer<T>, integrationId?: number): T {
  const status = result.status;
  if (status >= 200 && status <= 299) {
    if (result.data === undefined) throw new FlowApiError({ kind: "validation", operation, integrationId, status, summary: "the response body is empty" });
    return result.data;
  }
  const detail = errorDetail(result.error) ?? (typeof result.error === "string" && result.error ? result.error : undefined);
  const hints: Record<number, string> = {
    400: "Flow rejected the request parameters",
    401: "the API token was rejected (missing, invalid or revoked): check FLOW_API_TOKEN / flow:token",
    403: "the API token's user may not read integrations",
    404: integrationId !== undefined ? `integration ${integrationId} does not exist (or is not visible to this token)` : "not found: check the base URL",
    429: "Flow kept rate-limiting the requests",
  };
  throw new FlowApiError({
    kind: "http",
    operation,
    integrationId,
    status,
    summary: `HTTP ${status}: ${hints[status] ?? (status >= 500 ? "Flow had a server error" : "unexpected response")}`,
    detail: detail ? ingestText(detail, token) : undefined,
  });
}

/** Runs one operation; anything escaping it is a FlowApiError naming the operation (a body that is not JSON included). */
async function guarded<T>(token: string, operation: string, integrationId: number | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof FlowApiError) {
      if (e.operation && (e.integrationId !== undefined || integrationId === undefined)) throw e;
      throw new FlowApiError({ ...e, operation: e.operation ?? operation, integrationId: e.integrationId ?? integrationId });
    }
    if (e instanceof SyntaxError) {
      throw new FlowApiError({
        kind: "validation",
        operation,
        integrationId,
        summary: "the response body is not valid JSON",
        detail: ingestText(e.message, token, 120),
      });
    }
    throw new FlowApiError({
      kind: "network",
      operation,
      integrationId,
      summary: "unexpected failure",
      detail: ingestText(e instanceof Error ? e.message : String(e), token),
    });
  }
}

/** The transport's settings from the options, then the environment, then the defaults. */
function transportSettings(
  options: FlowClientOptions,
  env: Record<string, string | undefined>,
  base: URL,
  token: string,
  contextOf: (r: Request) => RequestContext,
): TransportSettings {
  return {
    base,
    token,
    timeoutMs: setting(options.timeoutMs, env, "FLOW_API_TIMEOUT_MS", DEFAULT_TIMEOUT_MS),
    deadlineMs: setting(options.deadlineMs, env, "FLOW_API_DEADLINE_MS", DEFAULT_DEADLINE_MS),
    maxResponseBytes: setting(options.maxResponseBytes, env, "FLOW_API_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES),
    maxTotalBytes: setting(options.maxTotalBytes, env, "FLOW_API_MAX_TOTAL_BYTES", DEFAULT_MAX_TOTAL_BYTES),
    maxRedirects: 3,
    retry: {
      maxAttempts: Math.max(1, Math.floor(setting(options.retry?.maxAttempts, env, "FLOW_API_MAX_ATTEMPTS", 5))),
      baseDelayMs: options.retry?.baseDelayMs ?? 250,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      maxTotalMs: options.retry?.maxTotalMs ?? 120_000,
    },
    dispatcher: options.dispatcher,
    onRequest: options.onRequest,
    sleep: options.sleep,
    contextOf,
  };
}

/** The typed openapi-fetch client on our transport, with a middleware that tells the transport which operation a request is. */
function typedApi(baseUrl: string, token: string, options: FlowClientOptions, env: Record<string, string | undefined>, base: URL) {
  const contexts = new WeakMap<Request, RequestContext>();
  const transport = createTransport(transportSettings(options, env, base, token, (request) => contexts.get(request) ?? { operation: "request" }));
  // The transport sets every request's headers (the token included); openapi-fetch builds the URL.
  const api = createClient<paths>({ baseUrl, fetch: transport.fetch });
  const context: Middleware = {
    onRequest({ request, schemaPath, params }) {
      const id = (params.path as { id?: number } | undefined)?.id;
      contexts.set(request, { operation: OPERATIONS[schemaPath] ?? schemaPath, ...(id !== undefined ? { integrationId: id } : {}) });
      return request;
    },
  };
  api.use(context);
  return { api, transport };
}

/** Creates a Flow API client. Throws a FlowApiError (kind "config") for a missing token or unsafe URL. */
export function createFlowClient(options: FlowClientOptions = {}): FlowClient {
  const env = options.env ?? process.env;
  const connection = flowConnection(
    options,
    env,
    "pass `token`, set the FLOW_API_TOKEN environment variable, or set the `flow:token` stack config (as a secret)",
  );
  const token = connection.token;
  const base = normaliseBaseUrl(connection.baseUrl);
  const baseUrl = base.toString().replace(/\/$/, "");
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const maxRecords = Math.floor(setting(options.maxRecords, env, "FLOW_API_MAX_RECORDS", DEFAULT_MAX_RECORDS));
  const { api, transport } = typedApi(baseUrl, token, options, env, base);

  /** The listing's pages, each a FlowApiError naming the operation if it cannot be read, and its options. */
  function listing(query: IntegrationQuery): [(params: Record<string, string | number>) => Promise<IntegrationList>, ListingOptions] {
    const operation = "listIntegrations";
    const first = { limit: pageSize, offset: 0, ...(withIdentityFields(query) as Record<string, string | number>) };
    const page = (params: Record<string, string | number>) =>
      guarded(token, operation, undefined, async () => {
        const r = await api.GET("/integrations", { params: { query: params } });
        return validateIntegrationList(operation, check(token, operation, fetched(r)));
      });
    return [page, { base, token, operation, maxRecords, first }];
  }

  function listIntegrations(query: IntegrationQuery = {}): AsyncGenerator<Integration> {
    return streamListing(...listing(query));
  }

  async function getIntegration(id: number): Promise<Integration> {
    const operation = "getIntegration";
    assertId(id, operation);
    return guarded(token, operation, id, async () => {
      const r = await api.GET("/integrations/{id}", { params: { path: { id } } });
      const integration = validateIntegration(operation, check(token, operation, fetched(r), id));
      if (integration.id !== id) {
        throw new FlowApiError({
          kind: "validation",
          operation,
          integrationId: id,
          summary: `Flow answered with the record of integration ${integration.id}`,
          path: "$.id",
        });
      }
      return integration;
    });
  }

  async function getConnectionStatus(id: number): Promise<ConnectionStatus> {
    const operation = "getConnectionStatus";
    assertId(id, operation);
    // Its shape is checked where it is used (recordProblems): an odd body is an error of the
    // rules that read it, not of the whole read.
    // Straight through the transport: openapi-fetch would build a Request and a Response for each
    // of these small bodies (one per integration), which cost more than the bodies themselves
    // (measured: docs/performance.md). answerOf reads the body as openapi-fetch would.
    return guarded(token, operation, id, async () => {
      const url = new URL(`${baseUrl}/integrations/${id}/connection_status`);
      const status = check(token, operation, answerOf<ConnectionStatus>(await transport.get(url, { operation, integrationId: id })), id);
      return ownStatus(status, id, operation);
    });
  }

  async function getInventory(query: IntegrationQuery = {}, inventoryOptions: InventoryOptions = {}): Promise<InventoryRecord[]> {
    const records: InventoryRecord[] = (await readListing(...listing(query))).map((integration) => ({ integration }));
    if (inventoryOptions.connectionStatus === false) {
      inventoryOptions.onProgress?.({ integrations: records.length, statuses: 0 });
      return records;
    }
    return withStatuses(records, getConnectionStatus, concurrency, inventoryOptions.onProgress);
  }

  return { baseUrl, stats: transport.stats, listIntegrations, getIntegration, getConnectionStatus, getInventory, close: () => transport.close() };
}

/**
 * Reads each record's connection status, `concurrency` at a time (p-limit). The first failure
 * stops new reads (those still queued return at once) and is thrown once the ones in flight have
 * ended: a partial inventory is never returned.
 */
async function withStatuses(
  records: InventoryRecord[],
  getConnectionStatus: (id: number) => Promise<ConnectionStatus>,
  concurrency: number,
  onProgress?: InventoryOptions["onProgress"],
): Promise<InventoryRecord[]> {
  let statuses = 0;
  const progress = () => onProgress?.({ integrations: records.length, statuses });
  progress();
  const limit = pLimit(concurrency);
  let failure: Error | undefined;
  const read = async (record: InventoryRecord) => {
    if (failure) return;
    try {
      record.connectionStatus = await getConnectionStatus(record.integration.id);
      statuses++;
      progress();
    } catch (e) {
      failure ??= e instanceof Error ? e : new Error(String(e));
    }
  };
  await Promise.all(records.map((record) => limit(read, record)));
  if (failure) throw failure;
  return records;
}

/**
 * A connection-status body, unless it says it is about another integration (`integration` or
 * `integration_id`, a number or a string of digits, as Flow writes ids in either form): an
 * answer for another integration is a data problem, however it arrived.
 */
function ownStatus(status: ConnectionStatus, id: number, operation: string): ConnectionStatus {
  if (!status || typeof status !== "object" || Array.isArray(status)) return status;
  for (const key of ["integration", "integration_id"]) {
    const v = (status as Record<string, unknown>)[key];
    const other = typeof v === "number" ? v : typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
    if (other !== undefined && other !== id) {
      throw new FlowApiError({
        kind: "validation",
        operation,
        integrationId: id,
        summary: `Flow answered with the connection status of integration ${other}; a status that answers for another integration is a data problem`,
        path: `$.${key}`,
      });
    }
  }
  return status;
}

/** Fields every record must keep (they identify it in findings and errors). */
const IDENTITY_FIELDS = ["id", "name", "vendor_type"];

/** `fields`/`omit` trim payloads, but never the identity fields. */
function withIdentityFields(query: IntegrationQuery): IntegrationQuery {
  const q = { ...query };
  if (q.fields) q.fields = [...new Set([...IDENTITY_FIELDS, ...q.fields.split(",").filter(Boolean)])].join(",");
  if (q.omit)
    q.omit =
      q.omit
        .split(",")
        .filter((f) => f && !IDENTITY_FIELDS.includes(f))
        .join(",") || undefined;
  for (const [k, v] of Object.entries(q)) if (v === undefined) delete (q as Record<string, unknown>)[k];
  return q;
}

function assertId(id: number, operation: string): void {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new FlowApiError({ kind: "config", operation, summary: `integration id must be a positive integer (got ${JSON.stringify(id)})` });
  }
}
