/**
 * The simulator's fault injection: from a flaky Flow (rate limits, gateway errors, latency) to a
 * hostile one (trickled bodies, silence, cross-origin redirects, echoed credentials, lying
 * pagination, huge or absurdly nested bodies). Tests use it to prove the client's bounds.
 */
import * as http from "node:http";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";

/** The simulator's routes, as named in fault rules and the request log. */
export type Route = "list" | "get" | "status";

/** What a fault does to a matching request. */
export type FaultAction =
  /** Answer this status (with Retry-After and a DRF detail when given). */
  | { type: "status"; status: number; retryAfter?: string; detail?: string }
  /** Answer normally after this many extra milliseconds. */
  | { type: "latency"; ms: number }
  /** Never answer (no headers). */
  | { type: "hang" }
  /** Answer 200 with a body that is not JSON. */
  | { type: "malformed-json" }
  /** Answer normally with one record's field replaced (list: the second record). */
  | { type: "invalid-record"; field: string; value: unknown }
  /** Answer normally but with a `next` link on another origin. */
  | { type: "foreign-next"; origin: string }
  /** Send the normal response's headers at once, then its body one byte per interval. */
  | { type: "trickle"; intervalMs: number }
  /** Answer with a redirect to `location` (absolute or relative). */
  | { type: "redirect"; status: 301 | 302 | 303 | 307 | 308; location: string }
  /**
   * Answer normally with one record's field (list: the second record; status: the body) set to
   * the request's Authorization header, written as `encoding` says (default: plain JSON). A list
   * page's field "next" is its `next` link, with the header added as a query parameter.
   */
  | { type: "echo-auth"; field: string; encoding?: EchoEncoding }
  /** Answer 200 with a gzip-compressed JSON page that decompresses to about this many bytes (a compression bomb). */
  | { type: "gzip-bomb"; bytes: number }
  /** Answer exactly this body. */
  | { type: "raw"; status?: number; body: string; headers?: Record<string, string> }
  /** Answer 200 with a valid JSON body of about this many bytes, streamed. */
  | { type: "huge"; bytes: number }
  /** Answer 200 with a list page whose results nest this deep. */
  | { type: "deep"; depth: number }
  /** Answer the list page normally but claim this `count`. */
  | { type: "count"; value: number }
  /** Answer list pages with a `next` link forever, inventing new records past the end. */
  | { type: "endless-next" }
  /** Answer normally, then run this (e.g. change the data between two pages). */
  | { type: "after"; run: () => void };

/**
 * How an echoed credential is written: `unicode-first` (first character as a \u escape),
 * `unicode-all` (every character), `slash` (every "/" as "\/", as many JSON encoders write it),
 * `split` (every other character escaped), `percent` (the value percent-encoded), `key` (the value
 * as an object key).
 */
export type EchoEncoding = "plain" | "unicode-first" | "unicode-all" | "slash" | "split" | "percent" | "key";

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** The JSON text of a string (without quotes) as a hostile encoder may write it. */
export function encodeEcho(value: string, encoding: EchoEncoding): string {
  const plain = JSON.stringify(value).slice(1, -1);
  switch (encoding) {
    case "unicode-first":
      return `${hex4(value[0])}${JSON.stringify(value.slice(1)).slice(1, -1)}`;
    case "unicode-all":
      return [...value].map(hex4).join("");
    case "slash":
      return plain.replace(/\//g, "\\/");
    case "split":
      return [...value].map((c, i) => (i % 2 ? hex4(c) : JSON.stringify(c).slice(1, -1))).join("");
    default:
      return plain;
  }
}

/** A fault rule: which requests it hits and what it does. */
export interface FaultRule {
  /** Route(s) it applies to (default: all). */
  route?: Route | Route[];
  /** Only requests about this integration (get/status routes). */
  integrationId?: number;
  /** Hit this many matching requests, then stop (default: unlimited). */
  times?: number;
  /** Hit each matching request with this probability (deterministic PRNG; default 1). */
  probability?: number;
  action: FaultAction;
}

/** A response that replaces the route's own; "hang" never answers. */
export type Replacement = "hang" | { status: number; body: string | Buffer | Readable; headers: Record<string, string> };

/** The response a fault answers instead of the route, or undefined to serve the route. */
export function replacement(action: FaultAction | undefined): Replacement | undefined {
  switch (action?.type) {
    case "hang":
      return "hang";
    case "status": {
      const headers: Record<string, string> = action.retryAfter !== undefined ? { "retry-after": action.retryAfter } : {};
      return { status: action.status, body: JSON.stringify({ detail: action.detail ?? http.STATUS_CODES[action.status] ?? "Error" }), headers };
    }
    case "malformed-json":
      return { status: 200, body: '{"count": 1, "results": [{"id": 1, "name": ', headers: {} };
    case "redirect":
      return { status: action.status, body: "", headers: { location: action.location } };
    case "raw":
      return { status: action.status ?? 200, body: action.body, headers: action.headers ?? {} };
    case "huge":
      return { status: 200, body: hugeBody(action.bytes), headers: {} };
    case "gzip-bomb":
      return { status: 200, body: hugeBody(action.bytes).pipe(createGzip({ level: 9 })), headers: { "content-encoding": "gzip" } };
    case "deep":
      return { status: 200, body: `{"count":1,"next":null,"previous":null,"results":${"[".repeat(action.depth)}${"]".repeat(action.depth)}}`, headers: {} };
    default:
      return undefined;
  }
}

/** A valid JSON page of about `bytes` bytes, generated as it is read (nothing that size is held). */
function hugeBody(bytes: number): Readable {
  const chunk = "x".repeat(64 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent === 0) this.push('{"count":1,"next":null,"previous":null,"results":[{"id":1,"name":"');
      if (sent >= bytes) {
        this.push('","vendor_type":"github"}]}');
        this.push(null);
        return;
      }
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** Applies a fault that changes a served body: a record's field, or the list envelope. */
export function transformBody(action: FaultAction | undefined, route: Route, body: Record<string, unknown>, authorization: string | undefined): void {
  const record = (): Record<string, unknown> | undefined => {
    if (route !== "list") return body;
    const results = body.results as Array<Record<string, unknown>>;
    return results.length ? results[Math.min(1, results.length - 1)] : undefined;
  };
  switch (action?.type) {
    case "invalid-record": {
      const r = record();
      if (r) r[action.field] = action.value;
      break;
    }
    case "echo-auth": {
      const value = authorization ?? "";
      if (route === "list" && action.field === "next") {
        if (typeof body.next === "string") body.next = `${body.next}&echo=${encodeURIComponent(value)}`;
        break;
      }
      const r = record();
      if (!r) break;
      if (action.encoding === "percent") r[action.field] = [...Buffer.from(value)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
      else if (action.encoding === "key") r[action.field] = { [value]: "echoed" };
      else r[action.field] = value;
      break;
    }
    case "count":
      if (route === "list") body.count = action.value;
      break;
    default:
  }
}

/** Writes a response, all at once or (trickle) one byte per interval after the headers. */
export function deliver(
  res: http.ServerResponse,
  status: number,
  body: string | Buffer | Readable,
  headers: Record<string, string>,
  trickleMs?: number,
): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.on("close", () => resolve());
    if (body instanceof Readable) {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      body.pipe(res);
      return;
    }
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
    if (!trickleMs) {
      res.end(body);
      return;
    }
    const bytes = Buffer.from(body);
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed || i >= bytes.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(bytes.subarray(i, i + 1));
      i++;
    }, trickleMs);
    res.on("close", () => clearInterval(timer));
  });
}
