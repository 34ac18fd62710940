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
import { setMaxListeners } from "node:events";
import { Agent, request as undiciRequest, type Dispatcher } from "undici";
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

/** A fetch-compatible transport for openapi-fetch, plus its counters and a way to stop it. */
export interface Transport {
  fetch: (request: Request) => Promise<Response>;
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

/**
 * Reads a body up to `max` bytes; beyond it, stops reading and rejects. Plain stream events
 * rather than an async iterator: the iterator's machinery cost more per request than the
 * small bodies of connection-status requests themselves.
 */
function readCapped(body: Dispatcher.ResponseData["body"], max: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    body.once("end", () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks, size).toString("utf8"));
    });
    body.once("error", reject);
    body.once("close", () => {
      if (!ended) reject(Object.assign(new Error("the response body ended before it was complete"), { code: "ERR_STREAM_PREMATURE_CLOSE" }));
    });
  });
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The run's deadline and what is pending under it. Its timer is one we own (an
 * AbortSignal.timeout could be garbage-collected unfired); `race` ends a wait when it passes.
 */
class RunDeadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly pending = new Map<number, string>();
  private nextId = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {
    this.signal = this.controller.signal;
    // One listener per request in flight (removed when it ends), so more than the default 10 is no leak.
    setMaxListeners(0, this.signal);
    this.timer = setTimeout(() => this.controller.abort(), ms);
    this.timer.unref();
  }

  /**
   * `work`, or the deadline's error if the deadline passes first. Nothing stays attached to the
   * run once `work` settles: racing against one long-lived promise instead would keep every
   * request's result (its whole response) reachable until the run ends.
   */
  race<T>(work: Promise<T>, onAbort?: () => void): Promise<T> {
    if (this.signal.aborted) {
      onAbort?.();
      return Promise.reject(this.error());
    }
    let stop: () => void = () => undefined;
    const over = new Promise<never>(
      (_, reject) =>
        (stop = () => {
          reject(this.error());
          onAbort?.();
        }),
    );
    this.signal.addEventListener("abort", stop, { once: true });
    return Promise.race([work, over]).finally(() => this.signal.removeEventListener("abort", stop));
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

/** One attempt: connect, headers and the whole body within timeoutMs, or the run's deadline. */
async function exchange(s: TransportSettings, run: RunDeadline, url: URL, headers: Record<string, string>): Promise<Exchange> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new AttemptTimeout());
      controller.abort();
    }, s.timeoutMs);
  });
  const work = (async (): Promise<Exchange> => {
    const res = await undiciRequest(url, {
      method: "GET",
      headers,
      signal: controller.signal,
      dispatcher: s.dispatcher ?? agent(),
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
    });
    const text = await readCapped(res.body, s.maxResponseBytes);
    return { status: res.statusCode, headers: res.headers, body: text };
  })();
  work.catch(() => undefined);
  try {
    return await run.race(Promise.race([work, timedOut]), () => controller.abort());
  } finally {
    clearTimeout(timer);
  }
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

/** The Response openapi-fetch sees: the ingested body (refused here if absurdly nested). */
function toResponse(s: TransportSettings, res: Exchange, ctx: RequestContext): Response {
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
  const headers = new Headers({ "content-type": headerOf(res, "content-type") ?? "application/json" });
  const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
  return new IngestedResponse(nullBody ? null : body, { status: res.status, headers });
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
function checkRequest(s: TransportSettings, input: Request, ctx: RequestContext): URL {
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

  /** One request: attempts with retries for transient failures, within the request's and the run's budgets. */
  async function transportFetch(input: Request): Promise<Response> {
    const ctx = s.contextOf(input);
    const url = checkRequest(s, input, ctx);
    const headers: Record<string, string> = {};
    input.headers.forEach((v, k) => (headers[k] = v));
    const done = run.track(describe(s, url, ctx));
    const started = Date.now();
    try {
      for (let attempt = 1; ; attempt++) {
        if (run.signal.aborted) throw run.error();
        const attemptStart = Date.now();
        stats.requests++;
        let res: Exchange | undefined;
        let failure: FlowApiError | undefined;
        try {
          res = await exchangeFollowing(s, run, url, headers, ctx);
          s.onRequest?.({ method: "GET", url: input.url, status: res.status, attempt, durationMs: Date.now() - attemptStart });
          if (!isRetryableStatus(res.status)) return toResponse(s, res, ctx);
        } catch (e) {
          if (e instanceof FlowApiError) throw e;
          failure = attemptFailure(s, e, ctx, attempt);
          s.onRequest?.({ method: "GET", url: input.url, attempt, durationMs: Date.now() - attemptStart, error: failure.kind });
          if (failure.kind === "validation") throw failure;
        }
        const wait = retryWait(s, res, attempt, Date.now() - started);
        if (wait === undefined) {
          if (res) return toResponse(s, res, ctx);
          throw failure!;
        }
        stats.retries++;
        await run.race(sleep(wait, { operation: ctx.operation, url: input.url, attempt }));
      }
    } finally {
      done();
    }
  }

  return { fetch: transportFetch, stats, close: () => run.close() };
}
