/**
 * The HTTP transport under the typed client: one GET exchange at a time, with everything a
 * slow, broken or hostile server could use to hang, flood or mislead a run bounded here.
 *
 * - Each attempt has one deadline covering connect, headers and the whole body (a body
 *   trickled a byte a second times out like a server that never answers). The deadline is a
 *   timer we own raced against the exchange, so it fires even if the HTTP stack never settles.
 * - The whole run has a deadline too (`deadlineMs`); when it passes, pending exchanges and
 *   retry waits stop and the error lists what was still pending.
 * - Bodies are asked for gzip-compressed and capped (`maxResponseBytes`) while they stream in
 *   and again as they are decompressed (a compression bomb stops at the cap); the whole run's
 *   bodies share one budget (`maxTotalBytes`). Each body is parsed and cleaned by ingestBody
 *   (token redaction and unsafe characters on every decoded string, nesting depth) before
 *   anything else sees it.
 * - Redirects are never followed off the base URL's origin; same-origin ones are followed at
 *   most `maxRedirects` times, and one integration's request is never answered by another
 *   integration's resource.
 * - Rate limits and gateway errors are retried with capped, jittered backoff honouring
 *   `Retry-After`, within a per-request budget.
 *
 * undici (Node's own HTTP client, as a package) does the exchange: its `request` follows no
 * redirect, and its per-request headers/body timeouts are a second line behind our deadline.
 * Its RetryAgent is not used: it cannot report each attempt (progress, request counts), take an
 * injectable clock for tests, respect a per-request and a per-run budget, or stop a wait when
 * the run's deadline passes; the retry loop below is what those tests need.
 */
import { gunzipSync } from "node:zlib";
import type { Agent, Dispatcher } from "undici";
import { FlowApiError, isRetryableStatus } from "./errors";
import { IngestError, ingestBody, ingestText, type IngestedContent } from "./ingest";
import { count } from "./text";

/** Retry policy for transient failures (429, 502, 503, 504, network errors, timeouts). */
export interface RetryOptions {
  /** Attempts per request, including the first (default 5). */
  maxAttempts?: number | undefined;
  /** First backoff step in ms; doubles per attempt, with full jitter (default 250). */
  baseDelayMs?: number | undefined;
  /** Largest single wait in ms, also for Retry-After (default 30 000). */
  maxDelayMs?: number | undefined;
  /** Give up once a request's retries would exceed this many ms in total (default 120 000). */
  maxTotalMs?: number | undefined;
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

/** Counters of one client's traffic. */
export interface ClientStats {
  requests: number;
  retries: number;
}

/** What a request is, for errors and the run deadline's "still pending" list. */
export interface RequestContext {
  operation: string;
  integrationId?: number;
}

/** Settings of a transport; the client fills every default. */
export interface TransportSettings {
  base: URL;
  token: string;
  timeoutMs: number;
  deadlineMs: number;
  maxResponseBytes: number;
  /** Budget of response bytes (decompressed) for the whole run. */
  maxTotalBytes: number;
  maxRedirects: number;
  retry: Required<RetryOptions>;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  sleep?: (ms: number, context: { operation: string; url: string; attempt: number }) => Promise<void>;
  /** The context of a request, as the client's middleware recorded it. */
  contextOf: (request: Request) => RequestContext;
}

/** A response as the transport hands it over: the status and the ingested body (null for 204, 205 and 304). */
export interface IngestedBody {
  status: number;
  body: IngestedContent | null;
}

/** What a request answered, as openapi-fetch reads a response: `data` for 2xx, else `error` (nothing for an empty body). */
export interface Answer<T> {
  status: number;
  data?: T;
  error?: unknown;
}

/** A fetch-compatible transport for openapi-fetch, a direct GET, their counters and a way to stop them. */
export interface Transport {
  /** GETs the request's URL (under the base URL's origin) with the transport's headers; resolves to a complete Response of the cleaned body (toResponse). */
  fetch: (request: Request) => Promise<Response>;
  /**
   * The same request path without a Request or Response object: a GET of `url` (which must be
   * under the base URL's origin) with the same headers. For the many small requests of a run
   * (connection statuses), whose Request/Response objects cost more than their bodies
   * (docs/performance.md); read its result with answerOf.
   */
  get: (url: URL, ctx: RequestContext) => Promise<IngestedBody>;
  stats: ClientStats;
  /** Ends the run's deadline timer (call when the run is over; pending work is not cancelled). */
  close(): void;
}

let sharedAgent: Agent | undefined;

/** One connection pool per process (keep-alive across a run's requests; idle sockets do not hold the process). */
function agent(): Agent {
  // undici is loaded here, on the first request: it is 110 modules, and the provider process
  // (diffs at every preview) and the pack import this module without sending anything.
  if (!sharedAgent) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
    const undici = require("undici") as typeof import("undici");
    sharedAgent = new undici.Agent({ connect: { timeout: 30_000 }, keepAliveTimeout: 4_000 });
  }
  return sharedAgent;
}

/** Milliseconds to wait from a Retry-After header (delta-seconds or HTTP date), if valid. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A finished exchange: status, headers (as undici gives them: lower-case names) and the body text. */
interface Exchange {
  status: number;
  headers: Dispatcher.ResponseData["headers"];
  body: string;
}

/** A response header as `Headers.get` gives it (several values joined by ", "), or null. */
function headerOf(res: Exchange, name: string): string | null {
  const v = res.headers[name];
  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
}

class AttemptTimeout extends Error {}
class BodyTooLarge extends Error {}
/** The run's byte budget is spent (not retried: another attempt cannot make the run smaller). */
class RunTooLarge extends Error {}
/** A body in an encoding we did not ask for, or that does not decompress; its message is the summary. */
class BadEncoding extends Error {}

/** A body's bytes (gunzipped when the server compressed it, within `cap` decompressed bytes). */
function decode(body: Buffer, encoding: string | undefined, cap: number, overRun: boolean): Buffer {
  const coding = (encoding ?? "identity").trim().toLowerCase();
  if (coding === "identity" || coding === "" || body.length === 0) return body;
  if (coding !== "gzip" && coding !== "x-gzip")
    throw new BadEncoding(`Flow answered with Content-Encoding "${coding.slice(0, 40)}", which pulumi-flow did not ask for (it accepts gzip or none)`);
  try {
    return gunzipSync(body, { maxOutputLength: cap });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw overRun ? new RunTooLarge() : new BodyTooLarge();
    throw new BadEncoding(`the gzip-compressed body cannot be decompressed (${(e as Error).message})`);
  }
}

/**
 * The run's deadline and what is pending under it. Its timer is one we own (an
 * AbortSignal.timeout could be garbage-collected unfired); the waits it `watch`es (exchanges,
 * retry sleeps) end when it passes.
 */
class RunDeadline {
  /** True once the deadline has passed. */
  expired = false;
  private readonly pending = new Map<number, string>();
  private nextId = 0;
  /** What to stop when the deadline passes: the waits in progress. */
  private readonly watching = new Map<number, (e: FlowApiError) => void>();
  private nextWatch = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly endsAt: number;
  /** Response bytes (decompressed) read so far in this run. */
  bytes = 0;

  constructor(private readonly ms: number) {
    this.endsAt = Date.now() + ms;
    this.timer = setTimeout(() => this.expire(), ms);
    this.timer.unref();
  }

  private expire(): void {
    this.expired = true;
    const error = this.error();
    const waits = [...this.watching.values()];
    this.watching.clear();
    for (const stop of waits) stop(error);
  }

  /**
   * Calls `stop` with the deadline's error when the deadline passes (at once if it has passed),
   * until the returned function is called. Nothing stays attached to the run once a wait ends:
   * holding every wait's callback, or racing against one long-lived promise, would keep every
   * request's result (its whole response) reachable until the run ends.
   */
  watch(stop: (e: FlowApiError) => void): () => void {
    if (this.expired) {
      stop(this.error());
      return () => undefined;
    }
    const id = this.nextWatch++;
    this.watching.set(id, stop);
    return () => this.watching.delete(id);
  }

  /** `work`, or the deadline's error if the deadline passes first. */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unwatch = this.watch(reject);
      work.then(resolve, reject).finally(unwatch);
    });
  }

  /**
   * Waits `ms`, or rejects with the deadline's error when the deadline passes first; either way
   * the timer is gone when the wait ends (a retry wait never outlives the run).
   */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        unwatch();
        resolve();
      }, ms);
      const unwatch = this.watch((e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Milliseconds until the deadline (0 or less once it has passed). */
  remainingMs(): number {
    return this.expired ? 0 : this.endsAt - Date.now();
  }

  /** Notes a request as pending until `done` is called. */
  track(description: string): () => void {
    const id = this.nextId++;
    this.pending.set(id, description);
    return () => this.pending.delete(id);
  }

  /** The error of a run whose deadline passed, naming what was still pending. */
  error(): FlowApiError {
    const list = [...this.pending.values()];
    const shown = list.slice(0, 10).join("; ") + (list.length > 10 ? `; and ${list.length - 10} more` : "");
    return new FlowApiError({
      kind: "timeout",
      summary: `the run's deadline of ${Math.round(this.ms / 1000)} s passed before Flow finished answering, so the read is incomplete`,
      detail: list.length ? `still pending: ${shown}` : "no request was pending (the deadline passed between requests)",
    });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * One attempt: connect, headers and the whole body within timeoutMs, or the run's deadline; the
 * body is read up to `maxResponseBytes` (beyond it, the exchange is stopped and rejects).
 *
 * Straight on undici's dispatcher with a handler rather than its `request`: no body stream, no
 * AbortSignal and no request handler per exchange. At thousands of small connection-status
 * bodies those objects cost more than the bodies, and most lived long enough to be promoted to
 * the old generation (more memory at the run's peak, and CPU to collect them).
 */
function exchange(s: TransportSettings, run: RunDeadline, url: URL, headers: Record<string, string>): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let responseHeaders: Exchange["headers"] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (e: Error | undefined, value?: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(value!);
    };
    /** Ends the attempt with `e` and stops the exchange (now, or as soon as undici starts it). */
    const stop = (e: Error) => {
      settle(e);
      if (controller && !controller.aborted) controller.abort(e);
    };
    // One timer covers both deadlines: the attempt's, or the run's when that comes first. A
    // registration with the run per exchange instead (a callback in a long-lived map, removed
    // when the exchange ends) kept every exchange's objects alive through young-generation
    // collections: every request's objects were promoted to the old generation, there until the
    // next full collection (measured: docs/performance.md).
    const runLeft = run.remainingMs();
    if (runLeft <= 0) return reject(run.error());
    const runFirst = runLeft < s.timeoutMs;
    const timer = setTimeout(() => stop(runFirst ? run.error() : new AttemptTimeout()), runFirst ? runLeft : s.timeoutMs);
    (s.dispatcher ?? agent()).dispatch(
      { origin: url.origin, path: url.pathname + url.search, method: "GET", headers, headersTimeout: s.timeoutMs, bodyTimeout: s.timeoutMs },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new AttemptTimeout());
        },
        onResponseStart(c, statusCode, h) {
          if (settled) return c.abort(new AttemptTimeout());
          status = statusCode;
          responseHeaders = h;
        },
        onResponseData(c, chunk) {
          if (settled) return c.abort(new AttemptTimeout());
          size += chunk.length;
          // Counted for the run as it arrives: concurrent exchanges share one budget.
          run.bytes += chunk.length;
          if (size > s.maxResponseBytes) stop(new BodyTooLarge());
          else if (run.bytes > s.maxTotalBytes) stop(new RunTooLarge());
          else chunks.push(chunk);
        },
        onResponseEnd() {
          const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
          chunks.length = 0;
          let bytes: Buffer;
          try {
            // Decompressed, the body may not exceed the per-response cap nor what is left of the run's budget.
            const budgetLeft = s.maxTotalBytes - (run.bytes - size);
            const encoding = responseHeaders["content-encoding"];
            bytes = decode(
              raw,
              Array.isArray(encoding) ? encoding.join(",") : encoding,
              Math.min(s.maxResponseBytes, budgetLeft),
              budgetLeft < s.maxResponseBytes,
            );
          } catch (e) {
            return settle(e as Error);
          }
          run.bytes += bytes.length - size;
          settle(undefined, { status, headers: responseHeaders, body: bytes.toString("utf8") });
        },
        onResponseError(_c, e) {
          settle(e);
        },
      },
    );
  });
}

/** Whether two paths name the same resource (DRF may add or drop the trailing slash). */
function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** Follows same-origin redirects (at most maxRedirects); refuses any other. */
async function exchangeFollowing(s: TransportSettings, run: RunDeadline, url: URL, headers: Record<string, string>, ctx: RequestContext): Promise<Exchange> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await exchange(s, run, current, headers);
    if (res.status < 300 || res.status > 399 || res.status === 304) return res;
    const location = headerOf(res, "location");
    let target: URL | undefined;
    try {
      target = location ? new URL(location, current) : undefined;
    } catch {
      target = undefined;
    }
    if (!target || target.origin !== s.base.origin) {
      throw new FlowApiError({
        kind: "foreign-origin",
        ...ctx,
        status: res.status,
        summary: `Flow answered HTTP ${res.status} redirecting ${target ? `to another origin (${ingestText(target.origin, s.token, 100)})` : "to an unusable location"}; refusing to follow it: the API token is only sent to ${s.base.origin}`,
        detail: location ? `Location: ${ingestText(location, s.token, 120)}` : undefined,
      });
    }
    if (ctx.integrationId !== undefined && !sameResource(target.pathname, url.pathname)) {
      throw new FlowApiError({
        kind: "validation",
        ...ctx,
        status: res.status,
        summary: `Flow answered HTTP ${res.status} redirecting the request for integration ${ctx.integrationId} to another resource (${ingestText(target.pathname, s.token, 100)}); an answer for another integration is a data problem, not this integration's data`,
      });
    }
    if (hop >= s.maxRedirects) {
      throw new FlowApiError({
        kind: "http",
        ...ctx,
        status: res.status,
        summary: `more than ${count(s.maxRedirects, "redirect")} (last to ${ingestText(target.pathname, s.token, 100)})`,
      });
    }
    current = target;
  }
}

/** Turns a thrown failure of one attempt into a FlowApiError (timeouts and network errors are retried). */
function attemptFailure(s: TransportSettings, e: unknown, ctx: RequestContext, attempt: number): FlowApiError {
  const code = (e as { code?: string } | null)?.code;
  if (e instanceof AttemptTimeout || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return new FlowApiError({ kind: "timeout", ...ctx, attempts: attempt, summary: `no complete response within ${s.timeoutMs} ms (headers and body)` });
  }
  if (e instanceof BodyTooLarge) {
    return new FlowApiError({
      kind: "validation",
      ...ctx,
      summary: `the response is larger than ${s.maxResponseBytes} bytes (maxResponseBytes, FLOW_API_MAX_RESPONSE_BYTES); refusing to read it`,
    });
  }
  if (e instanceof RunTooLarge) {
    return new FlowApiError({
      kind: "validation",
      ...ctx,
      summary: `the responses of this run add up to more than ${s.maxTotalBytes} bytes (maxTotalBytes, FLOW_API_MAX_TOTAL_BYTES), far more than any Flow tenant's integrations; refusing to read more, so the read is incomplete`,
    });
  }
  if (e instanceof BadEncoding) return new FlowApiError({ kind: "validation", ...ctx, summary: ingestText(e.message, s.token) });
  const message = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
  return new FlowApiError({
    kind: "network",
    ...ctx,
    attempts: attempt,
    summary: "the request failed before a complete response arrived",
    detail: ingestText(message, s.token),
  });
}

/** The ingested body (refused here if absurdly nested) and its status, which must be one a Response can carry. */
function ingested(s: TransportSettings, res: Exchange, ctx: RequestContext): IngestedBody {
  let body: IngestedContent;
  try {
    body = ingestBody(res.body, s.token);
  } catch (e) {
    if (e instanceof IngestError) throw new FlowApiError({ kind: "validation", ...ctx, status: res.status, summary: e.problem });
    throw e;
  }
  if (res.status < 200 || res.status > 599) {
    throw new FlowApiError({
      kind: "http",
      ...ctx,
      status: res.status,
      summary: `Flow answered with HTTP status ${res.status}, which is not a response pulumi-flow can use`,
    });
  }
  const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
  return { status: res.status, body: nullBody ? null : body };
}

/**
 * The Response openapi-fetch reads: a real one, whose body streams the cleaned body (JSON
 * written back from the parsed and cleaned value, other text as cleaned), so every reader of
 * Response works and none sees the server's raw bytes. Content-Type says what the cleaned body
 * is (not what the server claimed); Content-Length is its size.
 */
export function toResponse(res: IngestedBody): Response {
  if (res.body === null) return new Response(null, { status: res.status, headers: { "content-length": "0" } });
  const json = "json" in res.body;
  const bytes = Buffer.from("json" in res.body ? JSON.stringify(res.body.json) : res.body.text, "utf8");
  const contentType = json ? "application/json" : "text/plain; charset=utf-8";
  return new Response(bytes, { status: res.status, headers: { "content-type": contentType, "content-length": String(bytes.length) } });
}

/**
 * The direct path's reading of an ingested body: what openapi-fetch reads from toResponse(res)
 * (test/unit/api/answer.test.ts holds the two to the same result), without parsing again:
 * nothing for 204 or an empty body; for 2xx the JSON (a SyntaxError when it is not JSON);
 * otherwise the JSON if it is JSON, else the text.
 */
export function answerOf<T>(res: IngestedBody): Answer<T> {
  const content = res.body;
  const ok = res.status >= 200 && res.status <= 299;
  if (content === null || ("text" in content && content.text === "")) return { status: res.status };
  if ("json" in content) return ok ? { status: res.status, data: content.json as T } : { status: res.status, error: content.json };
  if (ok) throw new SyntaxError(content.syntaxError);
  return { status: res.status, error: content.text };
}

/** How long to wait before another attempt, or undefined when the retry budget is spent. */
function retryWait(s: TransportSettings, res: Exchange | undefined, attempt: number, elapsedMs: number): number | undefined {
  const retryAfter = res ? parseRetryAfter(headerOf(res, "retry-after")) : undefined;
  const backoff = Math.random() * Math.min(s.retry.maxDelayMs, s.retry.baseDelayMs * 2 ** (attempt - 1));
  const wait = retryAfter !== undefined ? Math.min(retryAfter, s.retry.maxDelayMs) + Math.random() * 50 : backoff;
  const spent = attempt >= s.retry.maxAttempts || elapsedMs + wait > s.retry.maxTotalMs || (retryAfter !== undefined && retryAfter > s.retry.maxDelayMs);
  return spent ? undefined : wait;
}

/** What a pending request is, for the run deadline's report. */
function describe(s: TransportSettings, url: URL, ctx: RequestContext): string {
  if (ctx.integrationId !== undefined) return `${ctx.operation} (integration ${ctx.integrationId})`;
  const offset = url.searchParams.get("offset");
  return offset ? `${ctx.operation} (offset ${ingestText(offset, s.token, 20)})` : ctx.operation;
}

/** Refuses anything but a GET to the base URL's origin. */
function checkRequest(s: TransportSettings, input: Pick<Request, "method" | "url">, ctx: RequestContext): URL {
  if (input.method !== "GET") {
    throw new FlowApiError({ kind: "config", ...ctx, summary: `refusing a ${input.method} request: pulumi-flow only reads from Flow` });
  }
  const url = new URL(input.url);
  if (url.origin !== s.base.origin) {
    throw new FlowApiError({
      kind: "foreign-origin",
      ...ctx,
      summary: `refusing to send the API token to ${url.origin} (configured origin is ${s.base.origin})`,
    });
  }
  return url;
}

/** Creates the transport; the run's deadline starts now. */
export function createTransport(s: TransportSettings): Transport {
  const stats: ClientStats = { requests: 0, retries: 0 };
  const run = new RunDeadline(s.deadlineMs);

  /**
   * One request: attempts with retries for transient failures, within the request's and the run's
   * budgets. `finish` turns the last exchange into the result (its body is ingested there, so
   * nothing of the raw text outlives the call).
   */
  async function send<T>(url: URL, headers: Record<string, string>, ctx: RequestContext, finish: (res: Exchange) => T): Promise<T> {
    const href = url.href;
    const done = run.track(describe(s, url, ctx));
    const started = Date.now();
    try {
      for (let attempt = 1; ; attempt++) {
        if (run.expired) throw run.error();
        const attemptStart = Date.now();
        stats.requests++;
        let res: Exchange | undefined;
        let failure: FlowApiError | undefined;
        try {
          res = await exchangeFollowing(s, run, url, headers, ctx);
          s.onRequest?.({ method: "GET", url: href, status: res.status, attempt, durationMs: Date.now() - attemptStart });
          if (!isRetryableStatus(res.status)) return finish(res);
        } catch (e) {
          if (e instanceof FlowApiError) throw e;
          failure = attemptFailure(s, e, ctx, attempt);
          s.onRequest?.({ method: "GET", url: href, attempt, durationMs: Date.now() - attemptStart, error: failure.kind });
          if (failure.kind === "validation" || e instanceof RunTooLarge) throw failure;
        }
        const wait = retryWait(s, res, attempt, Date.now() - started);
        if (wait === undefined) {
          if (res) return finish(res);
          throw failure!;
        }
        stats.retries++;
        // The run's own sleep ends (timer cleared) when the deadline passes; an injected one is raced.
        await (s.sleep ? run.race(s.sleep(wait, { operation: ctx.operation, url: href, attempt })) : run.sleep(wait));
      }
    } finally {
      done();
    }
  }

  // Every request's headers, set here only (the Request openapi-fetch builds names the URL, nothing else).
  const headers: Record<string, string> = { accept: "application/json", "accept-encoding": "gzip", authorization: `Bearer ${s.token}` };

  /** openapi-fetch's fetch: a GET of the request's URL, answered with a complete Response of the cleaned body. */
  function transportFetch(input: Request): Promise<Response> {
    try {
      const ctx = s.contextOf(input);
      const url = checkRequest(s, input, ctx);
      return send(url, headers, ctx, (res) => toResponse(ingested(s, res, ctx)));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  function get(url: URL, ctx: RequestContext): Promise<IngestedBody> {
    try {
      if (url.origin !== s.base.origin) checkRequest(s, { method: "GET", url: url.href }, ctx);
      return send(url, headers, ctx, (res) => ingested(s, res, ctx));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  return { fetch: transportFetch, get, stats, close: () => run.close() };
}
