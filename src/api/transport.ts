/**
 * The HTTP transport under the typed client: one GET exchange at a time, with everything a
 * slow, broken or hostile server could use to hang, flood or mislead a run bounded here.
 *
 * - Each attempt has one deadline covering connect, headers and the whole body (a body
 *   trickled a byte a second times out like a server that never answers). The deadline is a
 *   timer we own raced against the exchange, so it fires even if the HTTP stack never settles.
 * - The whole run has a deadline too (`deadlineMs`); when it passes, pending exchanges and
 *   retry waits stop and the error lists what was still pending.
 * - Bodies are capped (`maxResponseBytes`) while they stream in, and pass through ingestBody
 *   (token redaction, unsafe characters, nesting depth) before anyone parses them.
 * - Redirects are never followed off the base URL's origin; same-origin ones are followed at
 *   most `maxRedirects` times.
 * - Rate limits and gateway errors are retried with capped, jittered backoff honouring
 *   `Retry-After`, within a per-request budget.
 *
 * undici (Node's own HTTP client, as a package) does the exchange: its `request` follows no
 * redirect, and its per-request headers/body timeouts are a second line behind our deadline.
 * Its RetryAgent is not used: it cannot report each attempt (progress, request counts), take an
 * injectable clock for tests, respect a per-request and a per-run budget, or stop a wait when
 * the run's deadline passes; the retry loop below is what those tests need.
 */
import { Agent, type Dispatcher } from "undici";
import { FlowApiError, isRetryableStatus } from "./errors";
import { IngestError, ingestBody, ingestText } from "./ingest";
import { count } from "./text";

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
  maxRedirects: number;
  retry: Required<RetryOptions>;
  dispatcher?: Dispatcher;
  onRequest?: (event: RequestEvent) => void;
  sleep?: (ms: number, context: { operation: string; url: string; attempt: number }) => Promise<void>;
  /** The context of a request, as the client's middleware recorded it. */
  contextOf: (request: Request) => RequestContext;
}

/** A response as the transport hands it over: the status and the ingested body text (null for 204, 205 and 304). */
export interface IngestedBody {
  status: number;
  body: string | null;
}

/** A fetch-compatible transport for openapi-fetch, a direct GET, their counters and a way to stop them. */
export interface Transport {
  fetch: (request: Request) => Promise<Response>;
  /**
   * The same request path without a Request or Response object: a GET of `url` (which must be
   * under the base URL's origin) with the client's headers. For the many small requests of a run
   * (connection statuses), whose Request/Response objects cost more than their bodies.
   */
  get: (url: URL, ctx: RequestContext) => Promise<IngestedBody>;
  stats: ClientStats;
  /** Ends the run's deadline timer (call when the run is over; pending work is not cancelled). */
  close(): void;
}

let sharedAgent: Agent | undefined;

/** One connection pool per process (keep-alive across a run's requests; idle sockets do not hold the process). */
function agent(): Agent {
  sharedAgent ??= new Agent({ connect: { timeout: 30_000 }, keepAliveTimeout: 4_000 });
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

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
    // collections: about 1.5 KB per request promoted to the old generation (15 MB per 10,000
    // connection statuses), there until the next full collection.
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
          if (size > s.maxResponseBytes) stop(new BodyTooLarge());
          else chunks.push(chunk);
        },
        onResponseEnd() {
          const body = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks, size).toString("utf8");
          chunks.length = 0;
          settle(undefined, { status, headers: responseHeaders, body });
        },
        onResponseError(_c, e) {
          settle(e);
        },
      },
    );
  });
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
  let body: string;
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

/** The Response openapi-fetch sees. */
function toResponse(res: IngestedBody, contentType: string | null): Response {
  const headers = new Headers({ "content-type": contentType ?? "application/json" });
  return new IngestedResponse(res.body, { status: res.status, headers });
}

const BODY = Symbol("body");

/**
 * The Response openapi-fetch reads: the ingested text handed over once by `text()` (or
 * `json()`), then dropped. A plain `new Response(text)` would encode the text into a byte
 * stream for openapi-fetch to decode back into text: a stream (with a native handle) and two
 * more copies of every body. `body` stays null: read it with `text()` or `json()`, once, as
 * fetch allows.
 */
class IngestedResponse extends Response {
  /** The text until it is read; undefined once read. */
  [BODY]: string | null | undefined;

  constructor(text: string | null, init: ResponseInit) {
    super(null, init);
    this[BODY] = text;
  }
}

// Methods replace Response's own (TypeScript types them as properties, so they are set here).
Object.defineProperties(IngestedResponse.prototype, {
  bodyUsed: {
    get(this: IngestedResponse) {
      return this[BODY] === undefined;
    },
  },
  text: {
    value(this: IngestedResponse): Promise<string> {
      const text = this[BODY];
      if (text === undefined) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
      this[BODY] = undefined;
      return Promise.resolve(text ?? "");
    },
  },
  json: {
    async value(this: IngestedResponse): Promise<unknown> {
      return JSON.parse(await this.text()) as unknown;
    },
  },
});

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
  const sleep = s.sleep ?? defaultSleep;
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
          if (failure.kind === "validation") throw failure;
        }
        const wait = retryWait(s, res, attempt, Date.now() - started);
        if (wait === undefined) {
          if (res) return finish(res);
          throw failure!;
        }
        stats.retries++;
        await run.race(sleep(wait, { operation: ctx.operation, url: href, attempt }));
      }
    } finally {
      done();
    }
  }

  /** openapi-fetch's fetch: the request's own headers, and a Response for it to read. */
  function transportFetch(input: Request): Promise<Response> {
    try {
      const ctx = s.contextOf(input);
      const url = checkRequest(s, input, ctx);
      const headers: Record<string, string> = {};
      input.headers.forEach((v, k) => (headers[k] = v));
      return send(url, headers, ctx, (res) => toResponse(ingested(s, res, ctx), headerOf(res, "content-type")));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  // The headers openapi-fetch sends (as Headers lists them: lower-case names, sorted).
  const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${s.token}` };

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
