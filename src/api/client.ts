import createClient from "openapi-fetch";
import pLimit from "p-limit";
import { FlowApiError, isRetryableStatus, redact } from "./errors";
import type { paths } from "./schema";
import type { ConnectionStatus, Integration, IntegrationQuery, InventoryRecord } from "./types";
import { errorDetail, validateIntegration, validateIntegrationList } from "./validation";

/** The documented base URL for Flow Cloud customers. */
export const DEFAULT_FLOW_API_URL = "https://flow.pluralsight.com/v3/customer/core";
/** Page size we ask for; servers may cap it, and we follow `next` whatever they return. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Retry policy for transient failures (429, 502, 503, 504, network errors, timeouts). */
export interface RetryOptions {
  /** Attempts per request, including the first (default 5). */
  maxAttempts?: number;
  /** First backoff step in ms; doubles per attempt, with full jitter (default 250). */
  baseDelayMs?: number;
  /** Largest single wait in ms, also for Retry-After (default 30 000). */
  maxDelayMs?: number;
  /** Give up once a request's retries would exceed this many ms in total (default 120 000). */
  maxTotalMs?: number;
}

/** One HTTP exchange, reported to `onRequest` (for progress and tests). */
export interface RequestEvent {
  method: string;
  url: string;
  status?: number;
  attempt: number;
  durationMs: number;
  error?: string;
}

/** Options of createFlowClient; every one has a default. */
export interface FlowClientOptions {
  /** Base URL up to /customer/core. Default: FLOW_API_URL, else Flow Cloud. */
  baseUrl?: string;
  /** API key. Default: FLOW_API_TOKEN. Required. */
  token?: string;
  /** The fetch implementation (default: global fetch). */
  fetch?: typeof fetch;
  /** Per-attempt timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Retry policy. */
  retry?: RetryOptions;
  /** Concurrent connection-status requests (default 8). */
  concurrency?: number;
  /** Page size requested from the list endpoint (default 1000). */
  pageSize?: number;
  /** Called after every HTTP attempt. */
  onRequest?: (event: RequestEvent) => void;
  /** Waits between retries (injectable for tests and benchmarks; default setTimeout); told which request and operation waits. */
  sleep?: (ms: number, context: { operation: string; url: string; attempt: number }) => Promise<void>;
  /** Environment to read defaults from (default process.env). */
  env?: Record<string, string | undefined>;
}

/** Options of getInventory. */
export interface InventoryOptions {
  /** Also read each integration's connection status (default true). */
  connectionStatus?: boolean;
  /** Called as integrations and statuses arrive. */
  onProgress?: (progress: { integrations: number; statuses: number }) => void;
}

/** Counters of one client's traffic. */
export interface ClientStats {
  requests: number;
  retries: number;
}

/** A read-only, validated, retrying client for Flow's Integrations API. */
export interface FlowClient {
  readonly baseUrl: string;
  readonly stats: ClientStats;
  /** Every integration matching the query, following `next` page by page. */
  listIntegrations(query?: IntegrationQuery): AsyncIterable<Integration>;
  /** One integration by id. */
  getIntegration(id: number): Promise<Integration>;
  /** One integration's connection status. */
  getConnectionStatus(id: number): Promise<ConnectionStatus>;
  /** Integrations with their connection status, status calls running with bounded concurrency. */
  getInventory(query?: IntegrationQuery, options?: InventoryOptions): Promise<InventoryRecord[]>;
}

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
    throw new FlowApiError({ kind: "config", summary: `the base URL "${raw}" is not a valid URL` });
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

/** Milliseconds to wait from a Retry-After header (delta-seconds or HTTP date), if valid. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates a Flow API client. Throws a FlowApiError (kind "config") for a missing token or unsafe URL. */
export function createFlowClient(options: FlowClientOptions = {}): FlowClient {
  const env = options.env ?? process.env;
  const token = options.token ?? env.FLOW_API_TOKEN;
  if (!token) {
    throw new FlowApiError({
      kind: "config",
      summary: "no API token: pass `token`, set the FLOW_API_TOKEN environment variable, or set the `flow:token` stack config (as a secret)",
    });
  }
  const base = normaliseBaseUrl(options.baseUrl ?? env.FLOW_API_URL ?? DEFAULT_FLOW_API_URL);
  const baseUrl = base.toString().replace(/\/$/, "");
  const innerFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, options.retry?.maxAttempts ?? 5);
  const baseDelayMs = options.retry?.baseDelayMs ?? 250;
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
  const maxTotalMs = options.retry?.maxTotalMs ?? 120_000;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const sleep = options.sleep ?? defaultSleep;
  const stats: ClientStats = { requests: 0, retries: 0 };

  /** Sends one GET with per-attempt timeout, retrying transient failures. */
  async function resilientFetch(input: Request): Promise<Response> {
    if (input.method !== "GET") {
      throw new FlowApiError({ kind: "config", summary: `refusing a ${input.method} request: pulumi-flow only reads from Flow` });
    }
    const url = new URL(input.url);
    if (url.origin !== base.origin) {
      throw new FlowApiError({ kind: "foreign-origin", summary: `refusing to send the API token to ${url.origin} (configured origin is ${base.origin})` });
    }
    const operation = input.headers.get("x-flow-operation") ?? "request";
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const attemptStart = Date.now();
      let response: Response | undefined;
      let failure: FlowApiError | undefined;
      stats.requests++;
      try {
        const headers = new Headers(input.headers);
        headers.delete("x-flow-operation");
        response = await innerFetch(new Request(input.url, { method: "GET", headers, signal: controller.signal }));
        options.onRequest?.({ method: "GET", url: input.url, status: response.status, attempt, durationMs: Date.now() - attemptStart });
        if (!isRetryableStatus(response.status)) return response;
      } catch (e) {
        const timedOut = controller.signal.aborted;
        const message = redact(e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e), token);
        failure = new FlowApiError({
          kind: timedOut ? "timeout" : "network",
          operation,
          summary: timedOut ? `no response within ${timeoutMs} ms` : "the request failed before a response arrived",
          detail: timedOut ? undefined : message,
          attempts: attempt,
        });
        options.onRequest?.({ method: "GET", url: input.url, attempt, durationMs: Date.now() - attemptStart, error: failure.kind });
      } finally {
        clearTimeout(timer);
      }
      // Transient failure: wait and retry if the budget allows, else report it.
      const retryAfter = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
      const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const wait = retryAfter !== undefined ? Math.min(retryAfter, maxDelayMs) + Math.random() * 50 : backoff;
      const elapsed = Date.now() - started;
      if (attempt >= maxAttempts || elapsed + wait > maxTotalMs || (retryAfter !== undefined && retryAfter > maxDelayMs)) {
        if (response) return response; // the caller turns the final status into an error with its body
        throw failure!;
      }
      await response?.body?.cancel().catch(() => undefined);
      stats.retries++;
      await sleep(wait, { operation, url: input.url, attempt });
    }
  }

  const api = createClient<paths>({
    baseUrl,
    fetch: resilientFetch,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });

  /** Parses a 2xx JSON body, or turns a non-2xx response into a FlowApiError with DRF's detail. */
  function check(operation: string, result: { data?: string; error?: unknown; response: Response }, integrationId?: number): unknown {
    const { response } = result;
    if (response.ok) {
      const text = result.data ?? "";
      try {
        return JSON.parse(text);
      } catch {
        throw new FlowApiError({
          kind: "validation",
          operation,
          integrationId,
          status: response.status,
          summary: "the response body is not valid JSON",
          detail: `starts with ${JSON.stringify(redact(text.slice(0, 40), token))}`,
        });
      }
    }
    const detail = errorDetail(result.error) ?? (typeof result.error === "string" && result.error ? result.error.slice(0, 200) : undefined);
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
      status: response.status,
      summary: `HTTP ${response.status}: ${hints[response.status] ?? (response.status >= 500 ? "Flow had a server error" : "unexpected response")}`,
      detail: detail ? redact(detail, token) : undefined,
    });
  }

  /** Wraps errors so nothing that escapes the client can carry the token. */
  async function guarded<T>(fn: () => Promise<T>, operation: string, integrationId?: number): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof FlowApiError) {
        // Server-controlled text (a detail, an echoed value) may carry the token: redact it here.
        throw new FlowApiError({
          ...e,
          summary: redact(e.summary, token),
          detail: e.detail === undefined ? undefined : redact(e.detail, token),
          operation: e.operation ?? operation,
          integrationId: e.integrationId ?? integrationId,
        });
      }
      throw new FlowApiError({
        kind: "network",
        operation,
        integrationId,
        summary: "unexpected failure",
        detail: redact(e instanceof Error ? e.message : String(e), token),
      });
    }
  }

  const opHeader = (operation: string) => ({ "x-flow-operation": operation });

  async function* listIntegrations(query: IntegrationQuery = {}): AsyncGenerator<Integration> {
    const operation = "listIntegrations";
    let params: Record<string, unknown> = { limit: pageSize, offset: 0, ...withIdentityFields(query) };
    const seen = new Set<string>();
    for (;;) {
      const page = await guarded(async () => {
        const r = await api.GET("/integrations", { params: { query: params as IntegrationQuery }, headers: opHeader(operation), parseAs: "text" });
        return validateIntegrationList(operation, check(operation, r));
      }, operation);
      for (const item of page.results) yield item;
      if (!page.next) return;
      // Follow `next` only on our own origin and API path: the token must not go anywhere else.
      let next: URL;
      try {
        next = new URL(page.next, baseUrl);
      } catch {
        throw new FlowApiError({ kind: "validation", operation, summary: "the `next` link is not a URL", path: "$.next", detail: page.next });
      }
      if (next.origin !== base.origin) {
        throw new FlowApiError({
          kind: "foreign-origin",
          operation,
          summary: `refusing to follow a \`next\` link to ${next.origin}: the API token is only sent to ${base.origin}`,
          path: "$.next",
        });
      }
      if (seen.has(next.search)) {
        throw new FlowApiError({ kind: "validation", operation, summary: "the `next` link repeats an earlier page (pagination loop)", path: "$.next", detail: next.pathname + next.search });
      }
      seen.add(next.search);
      if (page.results.length === 0) {
        throw new FlowApiError({ kind: "validation", operation, summary: "an empty page carries a `next` link (pagination would not end)", path: "$.next" });
      }
      params = Object.fromEntries(next.searchParams.entries());
    }
  }

  async function getIntegration(id: number): Promise<Integration> {
    const operation = "getIntegration";
    assertId(id, operation);
    return guarded(async () => {
      const r = await api.GET("/integrations/{id}", { params: { path: { id } }, headers: opHeader(operation), parseAs: "text" });
      return validateIntegration(operation, check(operation, r, id));
    }, operation, id);
  }

  async function getConnectionStatus(id: number): Promise<ConnectionStatus> {
    const operation = "getConnectionStatus";
    assertId(id, operation);
    return guarded(async () => {
      const r = await api.GET("/integrations/{id}/connection_status", { params: { path: { id } }, headers: opHeader(operation), parseAs: "text" });
      // Its shape is checked where it is used (recordProblems): an odd body is an error of the
      // rules that read it, not of the whole read.
      return check(operation, r, id) as ConnectionStatus;
    }, operation, id);
  }

  async function getInventory(query: IntegrationQuery = {}, inventoryOptions: InventoryOptions = {}): Promise<InventoryRecord[]> {
    const withStatus = inventoryOptions.connectionStatus ?? true;
    const limit = pLimit(concurrency);
    const records: InventoryRecord[] = [];
    const pending: Array<Promise<void>> = [];
    let statuses = 0;
    let firstError: unknown;
    const progress = () => inventoryOptions.onProgress?.({ integrations: records.length, statuses });
    // Status calls start while later pages are still being listed.
    for await (const integration of listIntegrations(query)) {
      const record: InventoryRecord = { integration };
      records.push(record);
      if (withStatus && firstError === undefined) {
        pending.push(
          limit(async () => {
            if (firstError !== undefined) return;
            record.connectionStatus = await getConnectionStatus(integration.id);
            statuses++;
            progress();
          }).catch((e) => {
            firstError ??= e;
          }),
        );
      }
      progress();
      if (firstError !== undefined) break;
    }
    await Promise.all(pending);
    if (firstError !== undefined) throw firstError;
    return records;
  }

  return { baseUrl, stats, listIntegrations, getIntegration, getConnectionStatus, getInventory };
}

/** Fields every record must keep (they identify it in findings and errors). */
const IDENTITY_FIELDS = ["id", "name", "vendor_type"];

/** `fields`/`omit` trim payloads, but never the identity fields. */
function withIdentityFields(query: IntegrationQuery): IntegrationQuery {
  const q = { ...query };
  if (q.fields) q.fields = [...new Set([...IDENTITY_FIELDS, ...q.fields.split(",").filter(Boolean)])].join(",");
  if (q.omit) q.omit = q.omit.split(",").filter((f) => f && !IDENTITY_FIELDS.includes(f)).join(",") || undefined;
  return q;
}

function assertId(id: number, operation: string): void {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new FlowApiError({ kind: "config", operation, summary: `integration id must be a positive integer (got ${JSON.stringify(id)})` });
  }
}
