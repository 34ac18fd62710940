import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ConnectionStatus, Integration } from "../api/types";
import { formatFlowTimestamp, parseFlowTimestamp } from "../api/time";
import { loadDataset, prng, type SimulatedIntegration } from "./datasets";

/** The simulator's routes, as named in fault rules and the request log. */
export type Route = "list" | "get" | "status";

/** What a fault does to a matching request. */
export type FaultAction =
  | { type: "status"; status: number; retryAfter?: string; detail?: string }
  | { type: "latency"; ms: number }
  | { type: "hang" }
  | { type: "malformed-json" }
  | { type: "invalid-record"; field: string; value: unknown }
  | { type: "foreign-next"; origin: string };

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
  status?: number;
  fault?: FaultAction["type"];
  startedAt: number;
  endedAt?: number;
}

/** Options of startFlowSimulator. */
export interface FlowSimulatorOptions {
  /** Port (default 0: any free port). */
  port?: number;
  /** Host to bind (default 127.0.0.1; only loopback makes sense). */
  host?: string;
  /** `demo`, `published`, `empty`, `generated:N`, or records (default `demo`). */
  dataset?: string | SimulatedIntegration[];
  /** The API token the simulator accepts (default "flow-simulator-token"). */
  token?: string;
  /** Largest page the simulator serves, whatever `limit` asks (default 100). */
  maxPageSize?: number;
  /** Page size when `limit` is absent (default 50). */
  defaultPageSize?: number;
  /** Latency added to every response in ms (default 0). */
  latencyMs?: number;
  /** Leave `count` out of list responses (some deployments do). */
  omitCount?: boolean;
  /** API path prefix (default /v3/customer/core). */
  basePath?: string;
  /** Seed for probabilistic faults (default 1). */
  seed?: number;
  /** Fault rules active from the start. */
  faults?: FaultRule[];
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
  /** Changes fields of one integration, as an admin would in Flow. */
  updateIntegration(id: number, patch: Partial<Integration>): void;
  setConnectionStatus(id: number, status: ConnectionStatus): void;
  addIntegration(record: SimulatedIntegration): void;
  removeIntegration(id: number): void;
  /** Empties the request log. */
  resetLog(): void;
  close(): Promise<void>;
}

const LIST_FILTERS = new Set([
  "id",
  "id__in",
  "name",
  "name__icontains",
  "vendor_type",
  "vendor_type__in",
  "auth_type",
  "auth_type__in",
  "webhooks_enabled",
  "has_repos",
  "processing_status",
  "updated_at__gte",
  "updated_at__lt",
]);
const LIST_PARAMS = new Set([...LIST_FILTERS, "limit", "offset", "fields", "omit", "ordering"]);

class BadRequest extends Error {}

function parseBool(name: string, v: string): boolean {
  if (v === "true" || v === "True" || v === "1") return true;
  if (v === "false" || v === "False" || v === "0") return false;
  throw new BadRequest(`${name}: must be true or false.`);
}

function parseIntParam(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new BadRequest(`${name}: must be an integer >= ${min}.`);
  return Number(v);
}

/** Applies DRF-style filters to the integrations. */
function filter(items: Integration[], q: URLSearchParams): Integration[] {
  let out = items;
  for (const [key, value] of q) {
    if (!LIST_FILTERS.has(key)) continue;
    const [field, op] = key.split("__") as [keyof Integration, string | undefined];
    if (op === "in") {
      const set = new Set(value.split(","));
      if (field === "id" && [...set].some((v) => !/^\d+$/.test(v))) throw new BadRequest("id__in: must be comma-separated integers.");
      out = out.filter((i) => set.has(String(i[field])));
    } else if (op === "icontains") {
      out = out.filter((i) => String(i[field] ?? "").toLowerCase().includes(value.toLowerCase()));
    } else if (op === "gte" || op === "lt") {
      const t = parseFlowTimestamp(value);
      if (t === undefined) throw new BadRequest(`${key}: enter a valid date/time.`);
      out = out.filter((i) => {
        const v = parseFlowTimestamp(i[field]);
        return v !== undefined && (op === "gte" ? v >= t : v < t);
      });
    } else if (field === "webhooks_enabled" || field === "has_repos") {
      const b = parseBool(key, value);
      out = out.filter((i) => i[field] === b);
    } else if (field === "id") {
      const id = parseIntParam("id", value, 0);
      out = out.filter((i) => i.id === id);
    } else {
      out = out.filter((i) => String(i[field] ?? "") === value);
    }
  }
  return out;
}

function order(items: Integration[], ordering: string | null): Integration[] {
  if (!ordering) return [...items].sort((a, b) => a.id - b.id);
  const keys = ordering.split(",").map((k) => (k.startsWith("-") ? { field: k.slice(1), dir: -1 } : { field: k, dir: 1 }));
  return [...items].sort((a, b) => {
    for (const { field, dir } of keys) {
      const va = (a as Record<string, unknown>)[field];
      const vb = (b as Record<string, unknown>)[field];
      if (va === vb) continue;
      if (va === undefined || va === null) return 1;
      if (vb === undefined || vb === null) return -1;
      return (va < vb ? -1 : 1) * dir;
    }
    return a.id - b.id;
  });
}

function trim(item: Integration, fields: string | null, omit: string | null): Record<string, unknown> {
  let out: Record<string, unknown> = { ...item };
  if (fields) {
    const keep = new Set(fields.split(","));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  if (omit) {
    for (const k of omit.split(",")) delete out[k];
  }
  return out;
}

/**
 * Starts a local Flow API simulator on loopback that serves the spec's three operations with
 * DRF semantics, bearer auth, fault injection, mutations and a request log.
 */
export async function startFlowSimulator(options: FlowSimulatorOptions = {}): Promise<FlowSimulator> {
  const token = options.token ?? "flow-simulator-token";
  const basePath = (options.basePath ?? "/v3/customer/core").replace(/\/$/, "");
  const maxPageSize = options.maxPageSize ?? 100;
  const defaultPageSize = options.defaultPageSize ?? 50;
  let latencyMs = options.latencyMs ?? 0;
  const rand = prng(options.seed ?? 1);
  const records = new Map<number, SimulatedIntegration>();
  const dataset = typeof options.dataset === "object" ? options.dataset : loadDataset(options.dataset ?? "demo");
  for (const r of dataset) records.set(r.integration.id, structuredClone(r));
  const faults: Array<FaultRule & { hits: number }> = (options.faults ?? []).map((f) => ({ ...f, hits: 0 }));
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();

  function pickFault(route: Route, integrationId: number | undefined): FaultAction | undefined {
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
  }

  function send(res: http.ServerResponse, entry: RequestLogEntry, status: number, body: unknown, headers: Record<string, string> = {}): void {
    entry.status = status;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const finish = () => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
      res.end(text);
      entry.endedAt = Date.now();
    };
    if (latencyMs > 0) setTimeout(finish, latencyMs);
    else finish();
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const entry: RequestLogEntry = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorized: false,
      authHeaderPresent: req.headers.authorization !== undefined,
      startedAt: Date.now(),
    };
    requests.push(entry);

    const rel = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length).replace(/\/+$/, "") : undefined;
    let route: Route | undefined;
    let id: number | undefined;
    let m: RegExpExecArray | null;
    if (rel === "/integrations") route = "list";
    else if (rel !== undefined && (m = /^\/integrations\/(\d+)$/.exec(rel))) [route, id] = ["get", Number(m[1])];
    else if (rel !== undefined && (m = /^\/integrations\/(\d+)\/connection_status$/.exec(rel))) [route, id] = ["status", Number(m[1])];
    entry.route = route;
    entry.integrationId = id;

    if (!route) return send(res, entry, 404, { detail: "Not found." });
    if (req.method !== "GET") return send(res, entry, 405, { detail: `Method "${req.method}" not allowed.` }, { allow: "GET" });
    const auth = req.headers.authorization;
    if (!auth) return send(res, entry, 401, { detail: "Authentication credentials were not provided." });
    if (auth !== `Bearer ${token}`) return send(res, entry, 401, { detail: "Invalid token." });
    entry.authorized = true;

    const fault = pickFault(route, id);
    entry.fault = fault?.type;
    if (fault?.type === "hang") return; // never answers; the client must time out
    if (fault?.type === "status") {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {};
      return send(res, entry, fault.status, { detail: fault.detail ?? http.STATUS_CODES[fault.status] ?? "Error" }, headers);
    }
    if (fault?.type === "malformed-json") return send(res, entry, 200, '{"count": 1, "results": [{"id": 1, "name": ');
    const extraLatency = fault?.type === "latency" ? fault.ms : 0;

    const respond = () => {
      try {
        if (route === "list") return serveList(url, entry, res, fault);
        const record = records.get(id!);
        if (!record) return send(res, entry, 404, { detail: "Not found." });
        if (route === "status") return send(res, entry, 200, record.connectionStatus);
        const body: Record<string, unknown> = trim(record.integration, url.searchParams.get("fields"), url.searchParams.get("omit"));
        if (fault?.type === "invalid-record") body[fault.field] = fault.value;
        return send(res, entry, 200, body);
      } catch (e) {
        if (e instanceof BadRequest) return send(res, entry, 400, { detail: e.message });
        return send(res, entry, 500, { detail: "A server error occurred." });
      }
    };
    if (extraLatency > 0) setTimeout(respond, extraLatency);
    else respond();
  }

  function serveList(url: URL, entry: RequestLogEntry, res: http.ServerResponse, fault: FaultAction | undefined): void {
    const q = url.searchParams;
    for (const key of q.keys()) {
      if (!LIST_PARAMS.has(key)) throw new BadRequest(`Unknown query parameter: ${key}.`);
    }
    const limit = Math.min(q.has("limit") ? parseIntParam("limit", q.get("limit")!, 1) : defaultPageSize, maxPageSize);
    const offset = q.has("offset") ? parseIntParam("offset", q.get("offset")!, 0) : 0;
    const matching = order(filter([...records.values()].map((r) => r.integration), q), q.get("ordering"));
    const page = matching.slice(offset, offset + limit).map((i) => trim(i, q.get("fields"), q.get("omit")));
    if (fault?.type === "invalid-record" && page.length > 0) page[Math.min(1, page.length - 1)][fault.field] = fault.value;
    const link = (newOffset: number) => {
      const u = new URL(url.toString());
      u.searchParams.set("limit", String(limit));
      u.searchParams.set("offset", String(newOffset));
      return u.toString();
    };
    let next = offset + limit < matching.length ? link(offset + limit) : null;
    if (next && fault?.type === "foreign-next") {
      const u = new URL(next);
      next = fault.origin + u.pathname + u.search;
    }
    const previous = offset > 0 ? link(Math.max(0, offset - limit)) : null;
    const body: Record<string, unknown> = options.omitCount ? {} : { count: matching.length };
    Object.assign(body, { next, previous, results: page });
    send(res, entry, 200, body);
  }

  const server = http.createServer(handle);
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  const hostForUrl = host.includes(":") ? `[${host}]` : host;

  const mustGet = (id: number) => {
    const r = records.get(id);
    if (!r) throw new Error(`the simulator has no integration ${id}`);
    return r;
  };

  return {
    url: `http://${hostForUrl}:${port}${basePath}`,
    token,
    port,
    requests,
    addFault(rule) {
      const f = { ...rule, hits: 0 };
      faults.push(f);
      return () => {
        const i = faults.indexOf(f);
        if (i >= 0) faults.splice(i, 1);
      };
    },
    clearFaults() {
      faults.splice(0);
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    integrations() {
      return [...records.values()].map((r) => structuredClone(r.integration)).sort((a, b) => a.id - b.id);
    },
    updateIntegration(id, patch) {
      const r = mustGet(id);
      r.integration = { ...r.integration, ...patch, id, updated_at: formatFlowTimestamp(Date.now()) };
    },
    setConnectionStatus(id, status) {
      mustGet(id).connectionStatus = status;
    },
    addIntegration(record) {
      if (records.has(record.integration.id)) throw new Error(`the simulator already has integration ${record.integration.id}`);
      records.set(record.integration.id, structuredClone(record));
    },
    removeIntegration(id) {
      mustGet(id);
      records.delete(id);
    },
    resetLog() {
      requests.splice(0);
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
