import * as http from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo, Socket } from "node:net";
import { formatFlowTimestamp } from "../api/time";
import type { ConnectionStatus, FlowUser, Integration } from "../api/types";
import { loadDataset, prng, type SimulatedIntegration } from "./datasets";
import { BadRequest, filter, LIST_PARAMS, order, parseIntParam, trim } from "./drf";
import { deliver, encodeEcho, replacement, transformBody, type FaultAction, type FaultRule, type Route } from "./faults";

export type { EchoEncoding, FaultAction, FaultRule, Route } from "./faults";

/** One request as the simulator saw it. */
export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  route?: Route;
  integrationId?: number;
  authorized: boolean;
  /** True when an Authorization header was present at all. */
  authHeaderPresent: boolean;
  /** The request's Accept-Encoding header. */
  acceptEncoding?: string;
  /** True when the answer was sent gzip-compressed. */
  compressed?: boolean;
  status?: number;
  fault?: FaultAction["type"];
  startedAt: number;
  endedAt?: number;
}

/** Options of startFlowSimulator. */
export interface FlowSimulatorOptions {
  /** Port (default 0: any free port). */
  port?: number | undefined;
  /** Host to bind (default 127.0.0.1; only loopback makes sense). */
  host?: string | undefined;
  /** `demo`, `published`, `empty`, `generated:N`, or records (default `demo`). */
  dataset?: string | SimulatedIntegration[] | undefined;
  /** The API token the simulator accepts (default "flow-simulator-token"). */
  token?: string | undefined;
  /** Largest page the simulator serves, whatever `limit` asks (default 100). */
  maxPageSize?: number | undefined;
  /** Page size when `limit` is absent (default 50). */
  defaultPageSize?: number | undefined;
  /** Latency added to every response in ms (default 0). */
  latencyMs?: number | undefined;
  /** Leave `count` out of list responses (some deployments do). */
  omitCount?: boolean | undefined;
  /** Compress bodies of 1 KiB or more with gzip when the client accepts it, as Flow's servers do (default true). */
  gzip?: boolean | undefined;
  /** API path prefix (default /v3/customer/core). */
  basePath?: string | undefined;
  /** Seed for probabilistic faults (default 1). */
  seed?: number | undefined;
  /** Fault rules active from the start. */
  faults?: FaultRule[] | undefined;
}

/** A running simulator: its URL, token, request log, fault and mutation controls. */
export interface FlowSimulator {
  /** Base URL to give clients, e.g. http://127.0.0.1:41234/v3/customer/core */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** Every request served so far, in arrival order. */
  readonly requests: RequestLogEntry[];
  /** Adds a fault rule; returns a function that removes it. */
  addFault(rule: FaultRule): () => void;
  clearFaults(): void;
  /** Sets the latency added to every response. */
  setLatency(ms: number): void;
  /** Current integration records (copies). */
  integrations(): Integration[];
  /** Changes fields of one integration, as an admin would in Flow (which also moves `updated_at`). */
  updateIntegration(id: number, patch: Partial<Integration>): void;
  /** Records a sync of one integration, as Flow does on its own: only `source_projects_last_updated` moves. */
  recordSync(id: number, at?: number): void;
  /**
   * Changes fields of a user (deactivated, renamed) wherever an integration embeds it in
   * `created_by`/`updated_by`; the integrations' `updated_at` stays. Returns how many integrations embed it.
   */
  updateUser(id: number, patch: Partial<FlowUser>): number;
  setConnectionStatus(id: number, status: ConnectionStatus): void;
  addIntegration(record: SimulatedIntegration): void;
  removeIntegration(id: number): void;
  /** Empties the request log. */
  resetLog(): void;
  close(): Promise<void>;
}

/** Matches the first applicable fault rule (and counts its hit). */
function faultPicker(faults: Array<FaultRule & { hits: number }>, rand: () => number) {
  return (route: Route, integrationId: number | undefined): FaultAction | undefined => {
    for (const f of faults) {
      const routes = f.route === undefined ? undefined : Array.isArray(f.route) ? f.route : [f.route];
      if (routes && !routes.includes(route)) continue;
      if (f.integrationId !== undefined && f.integrationId !== integrationId) continue;
      if (f.times !== undefined && f.hits >= f.times) continue;
      if (f.probability !== undefined && rand() >= f.probability) continue;
      f.hits++;
      return f.action;
    }
    return undefined;
  };
}

/** Which route a path is, and the integration id in it. */
function routeOf(pathname: string, basePath: string): { route?: Route; id?: number } {
  const rel = pathname.startsWith(basePath) ? pathname.slice(basePath.length).replace(/\/+$/, "") : undefined;
  if (rel === undefined) return {};
  if (rel === "/integrations") return { route: "list" };
  let m = /^\/integrations\/(\d+)$/.exec(rel);
  if (m) return { route: "get", id: Number(m[1]) };
  m = /^\/integrations\/(\d+)\/connection_status$/.exec(rel);
  if (m) return { route: "status", id: Number(m[1]) };
  return {};
}

/** Simulator settings after defaults. */
interface Settings {
  token: string;
  basePath: string;
  maxPageSize: number;
  defaultPageSize: number;
  omitCount: boolean;
  gzip: boolean;
}

/** One list page with DRF links; `endless-next` and `foreign-next` faults bend the links. */
function listPage(url: URL, items: Integration[], s: Settings, fault: FaultAction | undefined): Record<string, unknown> {
  const q = url.searchParams;
  // `echo` is the echo-auth fault's own parameter on `next` links.
  for (const key of q.keys()) if (!LIST_PARAMS.has(key) && key !== "echo") throw new BadRequest(`Unknown query parameter: ${key}.`);
  const limit = Math.min(q.has("limit") ? parseIntParam("limit", q.get("limit")!, 1) : s.defaultPageSize, s.maxPageSize);
  const offset = q.has("offset") ? parseIntParam("offset", q.get("offset")!, 0) : 0;
  const matching = order(filter(items, q), q.get("ordering"));
  let page = matching.slice(offset, offset + limit).map((i) => trim(i, q.get("fields"), q.get("omit")));
  const link = (newOffset: number) => {
    const u = new URL(url.toString());
    u.searchParams.set("limit", String(limit));
    u.searchParams.set("offset", String(newOffset));
    return u.toString();
  };
  let next = offset + limit < matching.length ? link(offset + limit) : null;
  if (fault?.type === "endless-next") {
    if (page.length === 0 && matching.length)
      page = Array.from({ length: limit }, (_, k) => ({ ...trim(matching[0], null, null), id: 1_000_000 + offset + k }));
    next = link(offset + limit);
  }
  if (next && fault?.type === "foreign-next") {
    const u = new URL(next);
    next = fault.origin + u.pathname + u.search;
  }
  const previous = offset > 0 ? link(Math.max(0, offset - limit)) : null;
  return { ...(s.omitCount ? {} : { count: matching.length }), next, previous, results: page };
}

/** Everything a running simulator holds: its settings, data, faults and log. */
interface State extends Settings {
  latencyMs: number;
  records: Map<number, SimulatedIntegration>;
  faults: Array<FaultRule & { hits: number }>;
  pickFault: (route: Route, integrationId: number | undefined) => FaultAction | undefined;
  requests: RequestLogEntry[];
}

/** The route's own answer (status and JSON body). */
function answer(
  st: State,
  route: Route,
  id: number | undefined,
  url: URL,
  fault: FaultAction | undefined,
  authorization: string | undefined,
): { status: number; body: unknown } {
  try {
    let body: Record<string, unknown>;
    if (route === "list")
      body = listPage(
        url,
        [...st.records.values()].map((r) => r.integration),
        st,
        fault,
      );
    else {
      const record = st.records.get(id!);
      if (!record) return { status: 404, body: { detail: "Not found." } };
      body = route === "status" ? { ...record.connectionStatus } : trim(record.integration, url.searchParams.get("fields"), url.searchParams.get("omit"));
    }
    transformBody(fault, route, body, authorization);
    return { status: 200, body };
  } catch (e) {
    if (e instanceof BadRequest) return { status: 400, body: { detail: e.message } };
    return { status: 500, body: { detail: "A server error occurred." } };
  }
}

/** Sends a JSON answer after the configured latency, and logs its status and end. */
async function respond(
  st: State,
  res: http.ServerResponse,
  entry: RequestLogEntry,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  trickleMs?: number,
): Promise<void> {
  entry.status = status;
  if (st.latencyMs > 0) await new Promise((r) => setTimeout(r, st.latencyMs));
  const text = typeof body === "string" ? body : JSON.stringify(body);
  if (st.gzip && text.length >= 1024 && /\bgzip\b/.test(res.req.headers["accept-encoding"] ?? "")) {
    entry.compressed = true;
    await deliver(res, status, gzipSync(text, { level: 1 }), { ...headers, "content-encoding": "gzip", vary: "Accept-Encoding" }, trickleMs);
  } else await deliver(res, status, text, headers, trickleMs);
  entry.endedAt = Date.now();
}

/** Serves one request: routing, method and bearer checks, then a fault or the route's answer. */
async function handle(st: State, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
  const { route, id } = routeOf(url.pathname, st.basePath);
  const entry: RequestLogEntry = {
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    route,
    integrationId: id,
    authorized: false,
    authHeaderPresent: req.headers.authorization !== undefined,
    acceptEncoding: req.headers["accept-encoding"],
    startedAt: Date.now(),
  };
  st.requests.push(entry);
  if (!route) return respond(st, res, entry, 404, { detail: "Not found." });
  if (req.method !== "GET") return respond(st, res, entry, 405, { detail: `Method "${req.method}" not allowed.` }, { allow: "GET" });
  const auth = req.headers.authorization;
  if (!auth) return respond(st, res, entry, 401, { detail: "Authentication credentials were not provided." });
  if (auth !== `Bearer ${st.token}`) return respond(st, res, entry, 401, { detail: "Invalid token." });
  entry.authorized = true;

  const fault = st.pickFault(route, id);
  entry.fault = fault?.type;
  const instead = replacement(fault);
  if (instead === "hang") return; // never answers; the client must time out
  if (instead) {
    entry.status = instead.status;
    return deliver(res, instead.status, instead.body, instead.headers);
  }
  if (fault?.type === "latency") await new Promise((r) => setTimeout(r, fault.ms));
  const { status, body } = answer(st, route, id, url, fault, auth);
  let text = JSON.stringify(body);
  // An echo written with escapes: the same text to a JSON reader, other bytes on the wire.
  if (fault?.type === "echo-auth" && fault.encoding && fault.encoding !== "percent" && fault.encoding !== "key") {
    text = text.split(JSON.stringify(auth).slice(1, -1)).join(encodeEcho(auth, fault.encoding));
  }
  await respond(st, res, entry, status, text, {}, fault?.type === "trickle" ? fault.intervalMs : undefined);
  if (fault?.type === "after") fault.run();
}

/** The controls of a running simulator: faults, latency, data changes, the log. */
function controls(st: State): Omit<FlowSimulator, "url" | "token" | "port" | "close"> {
  const mustGet = (id: number) => {
    const r = st.records.get(id);
    if (!r) throw new Error(`the simulator has no integration ${id}`);
    return r;
  };
  return {
    requests: st.requests,
    addFault(rule) {
      const f = { ...rule, hits: 0 };
      st.faults.push(f);
      return () => {
        const i = st.faults.indexOf(f);
        if (i >= 0) st.faults.splice(i, 1);
      };
    },
    clearFaults() {
      st.faults.splice(0);
    },
    setLatency(ms) {
      st.latencyMs = ms;
    },
    integrations() {
      return [...st.records.values()].map((r) => structuredClone(r.integration)).sort((a, b) => a.id - b.id);
    },
    updateIntegration(id, patch) {
      const r = mustGet(id);
      r.integration = { ...r.integration, ...patch, id, updated_at: formatFlowTimestamp(Date.now()) };
    },
    recordSync(id, at = Date.now()) {
      const r = mustGet(id);
      r.integration = { ...r.integration, source_projects_last_updated: formatFlowTimestamp(at) };
    },
    updateUser(id, patch) {
      let embedding = 0;
      for (const r of st.records.values()) {
        let changed = false;
        const integration = { ...r.integration };
        for (const field of ["created_by", "updated_by"] as const) {
          const user = integration[field];
          if (user && typeof user === "object" && user.id === id) {
            integration[field] = { ...user, ...patch, id };
            changed = true;
          }
        }
        if (changed) {
          r.integration = integration;
          embedding++;
        }
      }
      return embedding;
    },
    setConnectionStatus(id, status) {
      mustGet(id).connectionStatus = status;
    },
    addIntegration(record) {
      if (st.records.has(record.integration.id)) throw new Error(`the simulator already has integration ${record.integration.id}`);
      st.records.set(record.integration.id, structuredClone(record));
    },
    removeIntegration(id) {
      mustGet(id);
      st.records.delete(id);
    },
    resetLog() {
      st.requests.splice(0);
    },
  };
}

/**
 * Starts a local Flow API simulator on loopback that serves the spec's three operations with
 * DRF semantics, bearer auth, fault injection (see faults.ts), mutations and a request log.
 */
export async function startFlowSimulator(options: FlowSimulatorOptions = {}): Promise<FlowSimulator> {
  const faults: Array<FaultRule & { hits: number }> = (options.faults ?? []).map((f) => ({ ...f, hits: 0 }));
  const dataset = typeof options.dataset === "object" ? options.dataset : loadDataset(options.dataset ?? "demo");
  const st: State = {
    token: options.token ?? "flow-simulator-token",
    basePath: (options.basePath ?? "/v3/customer/core").replace(/\/$/, ""),
    maxPageSize: options.maxPageSize ?? 100,
    defaultPageSize: options.defaultPageSize ?? 50,
    omitCount: options.omitCount ?? false,
    gzip: options.gzip ?? true,
    latencyMs: options.latencyMs ?? 0,
    records: new Map(dataset.map((r) => [r.integration.id, structuredClone(r)])),
    faults,
    pickFault: faultPicker(faults, prng(options.seed ?? 1)),
    requests: [],
  };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => void handle(st, req, res));
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}${st.basePath}`,
    token: st.token,
    port,
    ...controls(st),
    close() {
      return new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
