import { afterEach, describe, expect, it } from "vitest";
import { createFlowClient, FlowApiError, parseRetryAfter, type FlowClientOptions } from "../../../src";
import { startFlowSimulator, type FlowSimulator, type FlowSimulatorOptions } from "../../../src/simulator/server";

const TOKEN = "sim-secret-token-1f2e3d";
const running: FlowSimulator[] = [];

async function simulator(options: FlowSimulatorOptions = {}): Promise<FlowSimulator> {
  const sim = await startFlowSimulator({ token: TOKEN, ...options });
  running.push(sim);
  return sim;
}

afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

/** A client for `sim` whose retry waits are recorded instead of slept. */
function clientFor(sim: FlowSimulator, options: FlowClientOptions = {}) {
  const waits: number[] = [];
  const client = createFlowClient({
    baseUrl: sim.url,
    token: TOKEN,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return { client, waits };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(p: Promise<unknown>): Promise<FlowApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FlowApiError);
    expect((e as Error).message).not.toContain(TOKEN);
    return e as FlowApiError;
  }
  throw new Error("expected the call to fail");
}

const listRequests = (sim: FlowSimulator) => sim.requests.filter((r) => r.route === "list");

describe("pagination", () => {
  it("reads 2,500 integrations when the server caps the page size, following next", async () => {
    const sim = await simulator({ dataset: "generated:2500", maxPageSize: 100 });
    const { client } = clientFor(sim);
    const items = await collect(client.listIntegrations());
    expect(items).toHaveLength(2500);
    expect(new Set(items.map((i) => i.id)).size).toBe(2500);
    expect(listRequests(sim)).toHaveLength(25);
    expect(listRequests(sim)[0].query.limit).toBe("1000");
  });

  it("works when the server omits count", async () => {
    const sim = await simulator({ dataset: "generated:230", maxPageSize: 100, omitCount: true });
    const { client } = clientFor(sim);
    expect(await collect(client.listIntegrations())).toHaveLength(230);
    expect(listRequests(sim)).toHaveLength(3);
  });

  it("asks for the largest page once when everything fits", async () => {
    const sim = await simulator({ dataset: "generated:300", maxPageSize: 1000 });
    const { client } = clientFor(sim);
    expect(await collect(client.listIntegrations())).toHaveLength(300);
    expect(listRequests(sim)).toHaveLength(1);
  });
});

describe("filters and fields", () => {
  it("passes DRF filters through", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const vendors = await collect(client.listIntegrations({ vendor_type__in: "jira,gitlab" }));
    expect(new Set(vendors.map((i) => i.vendor_type))).toEqual(new Set(["jira", "gitlab"]));
    const off = await collect(client.listIntegrations({ webhooks_enabled: false, vendor_type: "github" }));
    expect(off.map((i) => i.id)).toEqual([102]);
    const named = await collect(client.listIntegrations({ name__icontains: "azure" }));
    expect(named.map((i) => i.name)).toEqual(["Azure DevOps Corp", "Azure DevOps Labs"]);
    const ids = await collect(client.listIntegrations({ id__in: "103,110", auth_type: "userpass" }));
    expect(ids.map((i) => i.id)).toEqual([110]);
    const ordered = await collect(client.listIntegrations({ ordering: "-id", vendor_type: "jira" }));
    expect(ordered.map((i) => i.id)).toEqual([110, 109]);
  });

  it("trims payloads with fields and omit but always keeps id, name and vendor_type", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const [first] = await collect(client.listIntegrations({ fields: "webhooks_enabled", id: 101 }));
    expect(first).toEqual({ id: 101, name: "GitHub Platform", vendor_type: "github", webhooks_enabled: true });
    const [omitted] = await collect(client.listIntegrations({ omit: "vendor_meta,name", id: 101 }));
    expect(omitted.vendor_meta).toBeUndefined();
    expect(omitted.name).toBe("GitHub Platform");
  });

  it("reads one integration and its connection status", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    expect((await client.getIntegration(105)).name).toBe("Bitbucket Payments");
    expect(await client.getConnectionStatus(105)).toMatchObject({ status: "disconnected", connected: false });
  });
});

describe("retries and faults", () => {
  it("retries a 429 after the Retry-After it was given", async () => {
    const sim = await simulator();
    sim.addFault({ route: "list", times: 1, action: { type: "status", status: 429, retryAfter: "1" } });
    const { client, waits } = clientFor(sim);
    expect(await collect(client.listIntegrations())).toHaveLength(12);
    expect(client.stats.retries).toBe(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(waits[0]).toBeLessThan(1100);
  });

  it("really waits for Retry-After with the default sleep (a lower bound: a timer never ends early)", async () => {
    const sim = await simulator();
    sim.addFault({ route: "get", times: 1, action: { type: "status", status: 429, retryAfter: "0.2" } });
    const client = createFlowClient({ baseUrl: sim.url, token: TOKEN });
    await client.getIntegration(101);
    const gets = sim.requests.filter((r) => r.route === "get");
    expect(gets.map((r) => r.status)).toEqual([429, 200]);
    expect(gets[1].startedAt - gets[0].startedAt).toBeGreaterThanOrEqual(190);
  });

  it("retries a burst of 503s with exponential backoff and succeeds", async () => {
    const sim = await simulator();
    sim.addFault({ route: "status", integrationId: 101, times: 3, action: { type: "status", status: 503 } });
    const { client, waits } = clientFor(sim, { retry: { baseDelayMs: 100 } });
    expect((await client.getConnectionStatus(101)).status).toBe("connected");
    expect(client.stats.retries).toBe(3);
    waits.forEach((w, i) => expect(w).toBeLessThanOrEqual(100 * 2 ** i));
  });

  it("gives up after maxAttempts on a persistent 502 with the status in the error", async () => {
    const sim = await simulator();
    sim.addFault({ route: "get", action: { type: "status", status: 502 } });
    const { client } = clientFor(sim, { retry: { maxAttempts: 3 } });
    const e = await failure(client.getIntegration(101));
    expect(e).toMatchObject({ kind: "http", status: 502, operation: "getIntegration", integrationId: 101 });
    expect(e.message).toContain("Flow API getIntegration (integration 101): HTTP 502");
    expect(sim.requests.filter((r) => r.route === "get")).toHaveLength(3);
  });

  it("honours Retry-After given as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("does not retry other 4xx: 404 names the integration, 401 the token setting", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const notFound = await failure(client.getIntegration(999));
    expect(notFound).toMatchObject({ kind: "http", status: 404, integrationId: 999 });
    expect(notFound.message).toContain("integration 999 does not exist");
    expect(notFound.message).toContain("Not found.");
    const wrong = createFlowClient({ baseUrl: sim.url, token: "wrong-token-abcdef" });
    const unauthorized = await failure(wrong.getConnectionStatus(101));
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.message).toContain("FLOW_API_TOKEN");
    expect(unauthorized.message).not.toContain("wrong-token-abcdef");
    expect(sim.requests.filter((r) => r.status === 404 || r.status === 401)).toHaveLength(2);
    expect(client.stats.retries).toBe(0);
  });

  it("aborts a hanging response after the timeout and reports it", async () => {
    const sim = await simulator();
    sim.addFault({ route: "get", action: { type: "hang" } });
    const { client } = clientFor(sim, { timeoutMs: 150, retry: { maxAttempts: 2 } });
    const e = await failure(client.getIntegration(101));
    expect(e).toMatchObject({ kind: "timeout", operation: "getIntegration", integrationId: 101 });
    expect(e.message).toContain("no complete response within 150 ms (headers and body) (after 2 attempts)");
    expect(sim.requests.filter((r) => r.route === "get")).toHaveLength(2);
  });

  it("rejects malformed JSON with a precise message", async () => {
    const sim = await simulator();
    sim.addFault({ route: "list", action: { type: "malformed-json" } });
    const { client } = clientFor(sim);
    const e = await failure(collect(client.listIntegrations()));
    expect(e).toMatchObject({ kind: "validation", operation: "listIntegrations" });
    expect(e.message).toContain("not valid JSON");
  });

  it("reads a record with a malformed field as it came (the rules that read it decide), but not one without a usable id", async () => {
    const sim = await simulator();
    sim.addFault({ route: "list", action: { type: "invalid-record", field: "webhooks_enabled", value: "yes" } });
    const { client } = clientFor(sim);
    const records = await collect(client.listIntegrations());
    expect(records).toHaveLength(12);
    expect(records[1]).toMatchObject({ id: 102, webhooks_enabled: "yes" });
    sim.clearFaults();
    sim.addFault({ route: "list", action: { type: "invalid-record", field: "id", value: "ten" } });
    const e = await failure(collect(client.listIntegrations()));
    expect(e).toMatchObject({ kind: "validation", operation: "listIntegrations", path: "$.results[1].id" });
    expect(e.message).toContain('no usable id (a positive integer), so it cannot be identified at $.results[1].id — got a string ("ten")');
    sim.clearFaults();
    sim.addFault({ route: "get", action: { type: "invalid-record", field: "id", value: -3 } });
    const e2 = await failure(client.getIntegration(103));
    expect(e2).toMatchObject({ kind: "validation", path: "$.id", integrationId: 103 });
  });

  it("refuses a next link on another origin without sending anything there", async () => {
    const foreign = await simulator();
    const sim = await simulator({ maxPageSize: 5 });
    sim.addFault({ route: "list", action: { type: "foreign-next", origin: `http://127.0.0.1:${foreign.port}` } });
    const { client } = clientFor(sim);
    const e = await failure(collect(client.listIntegrations()));
    expect(e.kind).toBe("foreign-origin");
    expect(e.message).toContain(`refusing to follow a \`next\` link to http://127.0.0.1:${foreign.port}`);
    expect(foreign.requests).toHaveLength(0);
    expect(listRequests(sim)).toHaveLength(1);
  });

  it("retries network errors and then reports them", async () => {
    const sim = await simulator();
    const url = sim.url;
    await sim.close();
    running.splice(running.indexOf(sim), 1);
    const client = createFlowClient({ baseUrl: url, token: TOKEN, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const e = await failure(client.getIntegration(101));
    expect(e).toMatchObject({ kind: "network", attempts: 3, integrationId: 101 });
    expect(client.stats.requests).toBe(3);
  });

  it("never puts the token in any error message", async () => {
    const sim = await simulator();
    const errors: string[] = [];
    for (const action of [
      { type: "status", status: 500, detail: `echo ${TOKEN}` },
      { type: "malformed-json" },
      { type: "invalid-record", field: "id", value: `id ${TOKEN}` },
    ] as const) {
      sim.clearFaults();
      sim.addFault({ action });
      const { client } = clientFor(sim, { retry: { maxAttempts: 1 } });
      errors.push((await failure(client.getIntegration(101))).message);
    }
    expect(errors.join("\n")).not.toContain(TOKEN);
    expect(errors[0]).toContain("echo [redacted]");
    expect(errors[2]).toContain('got a string ("id [redacted]")');
  });
});

describe("inventory", () => {
  it("reads integrations with their status, never more than `concurrency` status calls at once", async () => {
    const sim = await simulator({ dataset: "generated:40", latencyMs: 30, maxPageSize: 100 });
    const { client } = clientFor(sim, { concurrency: 4 });
    const progress: number[] = [];
    const inventory = await client.getInventory({}, { onProgress: (p) => progress.push(p.statuses) });
    expect(inventory).toHaveLength(40);
    expect(inventory.every((r) => r.connectionStatus?.status)).toBe(true);
    const statusCalls = sim.requests.filter((r) => r.route === "status");
    expect(statusCalls).toHaveLength(40);
    let maxInFlight = 0;
    for (const r of statusCalls) {
      const inFlight = statusCalls.filter((o) => o.startedAt <= r.startedAt && (o.endedAt ?? Infinity) > r.startedAt).length;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    expect(maxInFlight).toBe(4);
    expect(Math.max(...progress)).toBe(40);
  });

  it("fails as a whole when one status cannot be read (a partial read never passes)", async () => {
    const sim = await simulator();
    sim.addFault({ route: "status", integrationId: 107, action: { type: "status", status: 500 } });
    const { client } = clientFor(sim);
    const e = await failure(client.getInventory());
    expect(e).toMatchObject({ status: 500, integrationId: 107, operation: "getConnectionStatus" });
  });

  it("starts no status read after the first failure", async () => {
    const sim = await simulator();
    sim.addFault({ route: "status", integrationId: 103, action: { type: "status", status: 500 } });
    const { client } = clientFor(sim, { concurrency: 2 });
    const e = await failure(client.getInventory());
    expect(e).toMatchObject({ status: 500, integrationId: 103 });
    const read = sim.requests.filter((r) => r.route === "status");
    // 101 and 102 start together; 103 fails, 104 may have started beside it, nothing after.
    expect(read.length).toBeGreaterThanOrEqual(3);
    expect(read.length).toBeLessThanOrEqual(4);
  });

  it("skips status calls when asked", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    const inventory = await client.getInventory({}, { connectionStatus: false });
    expect(inventory.every((r) => r.connectionStatus === undefined)).toBe(true);
    expect(sim.requests.filter((r) => r.route === "status")).toHaveLength(0);
  });
});

describe("configuration", () => {
  it("refuses plain http except on loopback", () => {
    expect(() => createFlowClient({ baseUrl: "http://flow.example.com/v3/customer/core", token: "t0ken" })).toThrow(/only be sent over https/);
    expect(() => createFlowClient({ baseUrl: "http://127.0.0.1:9/v3/customer/core", token: "t0ken" })).not.toThrow();
    expect(() => createFlowClient({ baseUrl: "https://flow.example.com/v3/customer/core", token: "t0ken" })).not.toThrow();
  });

  it("takes defaults from FLOW_API_URL and FLOW_API_TOKEN, and requires a token", () => {
    const c = createFlowClient({ env: { FLOW_API_URL: "https://tenant.appfireflow.com/v3/customer/core/", FLOW_API_TOKEN: "abc123" } });
    expect(c.baseUrl).toBe("https://tenant.appfireflow.com/v3/customer/core");
    expect(() => createFlowClient({ env: {} })).toThrow(/no API token/);
  });

  it("sends only GET requests, with the bearer token", async () => {
    const sim = await simulator();
    const { client } = clientFor(sim);
    await client.getInventory();
    expect(sim.requests.length).toBeGreaterThan(0);
    expect(sim.requests.every((r) => r.method === "GET" && r.authorized)).toBe(true);
  });
});
