import { afterEach, describe, expect, it } from "vitest";
import { createFlowClient, FlowApiError, type FlowClientOptions } from "../../../src";
import { MAX_DEPTH } from "../../../src/api/ingest";
import { MAX_LISTING_PASSES } from "../../../src/api/pagination";
import type { InventoryRecord } from "../../../src/api/types";
import { startFlowSimulator, type FlowSimulator, type FlowSimulatorOptions } from "../../../src/simulator/server";

// A hostile Flow: the simulator's fault injection plays every attack. No test reads a clock:
// a fault that never ends (a hung server, a body trickled for minutes, a retry wait that never
// resolves) can only be ended by the deadline under test, which the error and the requests
// served then show; a hang would fail the test at its timeout.
const TOKEN = "hostile-secret-token-8d71c0";
const running: FlowSimulator[] = [];

async function flow(options: FlowSimulatorOptions = {}): Promise<FlowSimulator> {
  const sim = await startFlowSimulator({ token: TOKEN, ...options });
  running.push(sim);
  return sim;
}

afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

function client(sim: FlowSimulator, options: FlowClientOptions = {}) {
  return createFlowClient({ baseUrl: sim.url, token: TOKEN, sleep: async () => undefined, ...options });
}

/** The FlowApiError a call fails with. */
async function failure(p: Promise<unknown>): Promise<{ error: FlowApiError }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FlowApiError);
    expect((e as Error).message).not.toContain(TOKEN);
    return { error: e as FlowApiError };
  }
  throw new Error("expected the call to fail");
}

describe("time: nothing waits forever", () => {
  it("times out a body trickled one byte at a time (the deadline covers headers and body)", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "trickle", intervalMs: 100 } });
    // The demo page trickled at a byte per 100 ms takes minutes: only the per-attempt deadline ends each attempt.
    const { error } = await failure(client(sim, { timeoutMs: 600, retry: { maxAttempts: 2 } }).getInventory());
    expect(error).toMatchObject({ kind: "timeout", operation: "listIntegrations", attempts: 2 });
    expect(error.message).toContain("no complete response within 600 ms (headers and body)");
    expect(sim.requests.filter((r) => r.route === "list")).toHaveLength(2);
  });

  it("times out a server that never sends headers, every attempt", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "hang" } });
    const { error } = await failure(client(sim, { timeoutMs: 400, retry: { maxAttempts: 3 } }).getInventory());
    expect(error).toMatchObject({ kind: "timeout", attempts: 3 });
    expect(error.message).toContain("no complete response within 400 ms");
    expect(sim.requests.filter((r) => r.route === "list")).toHaveLength(3);
  });

  it("does not let one hung connection-status call hang the inventory", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", integrationId: 105, action: { type: "hang" } });
    const { error } = await failure(client(sim, { timeoutMs: 400, retry: { maxAttempts: 2 } }).getInventory());
    expect(error).toMatchObject({ kind: "timeout", operation: "getConnectionStatus", integrationId: 105, attempts: 2 });
    expect(error.message).toMatch(/^Flow API getConnectionStatus \(integration 105\): no complete response within 400 ms/);
    expect(sim.requests.filter((r) => r.route === "status" && r.integrationId === 105)).toHaveLength(2);
  });

  it("stops at the run's deadline and says what was still pending", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", action: { type: "hang" } });
    // Each attempt may take 60 s and the statuses never answer: only the run's deadline ends the read.
    const { error } = await failure(client(sim, { timeoutMs: 60_000, deadlineMs: 800, concurrency: 3 }).getInventory());
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("the run's deadline of 1 s passed before Flow finished answering, so the read is incomplete");
    expect(error.message).toMatch(
      /still pending: getConnectionStatus \(integration 10[123]\); getConnectionStatus \(integration 10[123]\); getConnectionStatus \(integration 10[123]\)/,
    );
    expect(sim.requests.filter((r) => r.route === "status")).toHaveLength(3);
  });

  it("ends a retry wait at the run's deadline too", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "status", status: 503, retryAfter: "20" } });
    // The wait Flow asks for (20 s) never ends on its own here: only the run's deadline can end it.
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      return new Promise<void>(() => undefined);
    };
    const { error } = await failure(createFlowClient({ baseUrl: sim.url, token: TOKEN, deadlineMs: 700, sleep }).getInventory());
    expect(error.message).toContain("the run's deadline of 1 s passed");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(20_000); // Retry-After, and a little jitter
    expect(sim.requests.filter((r) => r.route === "list")).toHaveLength(1);
  });
});

describe("completeness: an incomplete read never passes", () => {
  const ids = (records: InventoryRecord[]) => records.map((r) => r.integration.id);

  /** Once the first list page is answered, integration 100 is added before all others (and `remove` removed). */
  function insertAfterFirstPage(sim: FlowSimulator, remove?: number): void {
    const template = sim.integrations()[0];
    const run = () => {
      sim.addIntegration({ integration: { ...template, id: 100, name: "New" }, connectionStatus: { status: "connected" } });
      if (remove !== undefined) sim.removeIntegration(remove);
    };
    sim.addFault({ route: "list", times: 1, action: { type: "after", run } });
  }

  it("re-reads the listing when an integration is deleted between two pages, and then has every one", async () => {
    const sim = await flow({ maxPageSize: 5 });
    sim.addFault({ route: "list", times: 1, action: { type: "after", run: () => sim.removeIntegration(102) } });
    const records = await client(sim).getInventory();
    expect(ids(records)).toEqual([101, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112]);
  });

  it("re-reads when one is inserted between pages (an id seen twice), and never yields a duplicate", async () => {
    const sim = await flow({ maxPageSize: 5 });
    insertAfterFirstPage(sim);
    const records = await client(sim).getInventory();
    expect(ids(records)).toEqual([100, ...Array.from({ length: 12 }, (_, i) => 101 + i)]);
    expect(new Set(ids(records)).size).toBe(records.length);
  });

  it(`fails after ${MAX_LISTING_PASSES} passes when count keeps contradicting the pages`, async () => {
    const sim = await flow({ maxPageSize: 5 });
    sim.addFault({ route: "list", action: { type: "count", value: 5 } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.kind).toBe("inconsistent");
    expect(error.message).toContain(`the list of integrations changed (or contradicted itself) while it was read, ${MAX_LISTING_PASSES} times in a row`);
    expect(error.message).toContain("pass 1: `count` says 5 but the pages held 12");
    expect(sim.requests.filter((r) => r.route === "status")).toHaveLength(0);
  });

  it("does not follow an endless chain of next links past what count implies", async () => {
    const sim = await flow({ maxPageSize: 5, dataset: "published" });
    sim.addFault({ route: "list", action: { type: "endless-next" } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.kind).toBe("inconsistent");
    // count 7 with pages of 5: at most ceil(7 / 5) + 2 pages a pass.
    expect(sim.requests.filter((r) => r.route === "list").length).toBeLessThanOrEqual(MAX_LISTING_PASSES * 4);
  });

  /** The records a streamed listing yielded, and the error that ended it (undefined when it completed). */
  async function stream(sim: FlowSimulator): Promise<{ yielded: number[]; error?: FlowApiError }> {
    const yielded: number[] = [];
    try {
      for await (const integration of client(sim).listIntegrations()) yielded.push(integration.id);
      return { yielded };
    } catch (e) {
      if (!(e instanceof FlowApiError)) throw e;
      return { yielded, error: e };
    }
  }

  it("streams a listing page by page: the first records arrive before the next page is asked for", async () => {
    const sim = await flow({ maxPageSize: 5 });
    const listRequests = () => sim.requests.filter((r) => r.route === "list").length;
    const asked: number[] = [];
    for await (const integration of client(sim).listIntegrations()) if (integration.id === 101 || integration.id === 106) asked.push(listRequests());
    expect(asked).toEqual([1, 2]);
  });

  it("ends a streamed listing with an error, not a pass, when count contradicts the pages (and does not read it again)", async () => {
    const sim = await flow({ maxPageSize: 5 });
    sim.addFault({ route: "list", action: { type: "count", value: 5 } });
    const { yielded, error } = await stream(sim);
    expect(yielded).toHaveLength(12);
    expect(error?.kind).toBe("inconsistent");
    expect(error?.message).toContain("`count` says 5 but the pages held 12");
    expect(sim.requests.filter((r) => r.route === "list")).toHaveLength(3);
  });

  it("never yields a duplicate from a streamed listing: the page holding it ends the listing with an error", async () => {
    const sim = await flow({ maxPageSize: 5 });
    // One in, one out: `count` stays 12, and the second page starts with 105 again.
    insertAfterFirstPage(sim, 112);
    const { yielded, error } = await stream(sim);
    expect(yielded).toEqual([101, 102, 103, 104, 105]);
    expect(error?.kind).toBe("inconsistent");
    expect(error?.message).toContain("integration 105 appeared twice");
  });

  it("notices a count that changes between pages", async () => {
    const sim = await flow({ maxPageSize: 5 });
    sim.addFault({ route: "list", times: 2, action: { type: "after", run: () => undefined } });
    sim.addFault({ route: "list", action: { type: "count", value: 13 } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.message).toContain("pass 1: `count` changed from 12 to 13 on page 3");
  });
});

describe("redirects", () => {
  it.each([301, 302, 307, 308] as const)("refuses a %i to another origin without sending anything there", async (status) => {
    const elsewhere = await flow();
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "redirect", status, location: `${elsewhere.url}/integrations` } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.kind).toBe("foreign-origin");
    expect(error.message).toContain(`Flow answered HTTP ${status} redirecting to another origin (http://127.0.0.1:${elsewhere.port}); refusing to follow it`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it("follows a same-origin redirect, a bounded number of times", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", times: 1, action: { type: "redirect", status: 307, location: "integrations?limit=1000&offset=0" } });
    expect(await client(sim).getInventory()).toHaveLength(12);
    sim.addFault({ route: "list", action: { type: "redirect", status: 302, location: "integrations?limit=1000&offset=0" } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.message).toContain("more than 3 redirects");
  });
});

describe("the token never leaves", () => {
  it("redacts an echoed token (raw or as a Bearer header) from data, errors and messages before anything else sees it", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", integrationId: 101, action: { type: "echo-auth", field: "message" } });
    sim.addFault({ route: "list", action: { type: "echo-auth", field: "name" } });
    const records = await client(sim).getInventory();
    expect(JSON.stringify(records)).not.toContain(TOKEN);
    expect(records[1].integration.name).toBe("Bearer [redacted]");
    expect(records[0].connectionStatus?.message).toBe("Bearer [redacted]");

    sim.clearFaults();
    sim.addFault({ route: "list", action: { type: "status", status: 500, detail: `echo ${TOKEN} and Bearer ${TOKEN}` } });
    const { error } = await failure(client(sim, { retry: { maxAttempts: 1 } }).getInventory());
    expect(error.message).toContain("echo [redacted] and Bearer [redacted]");

    sim.clearFaults();
    // Redacted where it enters, so no later truncation can cut the token into a leaking prefix.
    sim.addFault({ route: "list", action: { type: "invalid-record", field: "id", value: `id-${TOKEN}-${TOKEN}` } });
    const invalid = await failure(client(sim).getInventory());
    expect(invalid.error.message).toContain('got a string ("id-[redacted]-[redacted]")');
    expect(invalid.error.message).not.toContain(TOKEN.slice(0, 6));
  });
});

describe("resource limits", () => {
  it("refuses a body larger than maxResponseBytes while it streams in", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "huge", bytes: 8 * 1024 * 1024 } });
    const { error } = await failure(client(sim, { maxResponseBytes: 1024 * 1024 }).getInventory());
    expect(error).toMatchObject({ kind: "validation", operation: "listIntegrations" });
    expect(error.message).toContain("the response is larger than 1048576 bytes (maxResponseBytes, FLOW_API_MAX_RESPONSE_BYTES)");
  });

  it("refuses absurd nesting at the boundary with a clear message", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "deep", depth: 100_000 } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.message).toContain(`the response nests more than ${MAX_DEPTH} levels deep`);
  });

  it("reports a server-sent negative or huge id as unusable data", async () => {
    for (const value of [-4, 1e300]) {
      const sim = await flow();
      sim.addFault({ route: "list", action: { type: "invalid-record", field: "id", value } });
      const { error } = await failure(client(sim).getInventory());
      expect(error).toMatchObject({ kind: "validation", path: "$.results[1].id" });
    }
  });
});

describe("the token never leaves, however Flow writes it (issue 27, item 1)", () => {
  // A base64-like token: `/` and `+` are in the alphabet, and JSON encoders may write `/` as `\/`.
  const B64 = "Zq8/t+Rk2v/Lm9xW4+pQ7s";
  const encodings = ["unicode-first", "unicode-all", "slash", "split", "percent", "key"] as const;

  it.each(encodings)("redacts an echo written %s in a list record, a connection status and a `next` link", async (encoding) => {
    const sim = await flow({ token: B64, maxPageSize: 5 });
    sim.addFault({ route: "list", times: 1, action: { type: "echo-auth", field: "name", encoding } });
    sim.addFault({ route: "list", action: { type: "echo-auth", field: "next" } });
    sim.addFault({ route: "status", integrationId: 101, action: { type: "echo-auth", field: "message", encoding } });
    const records = await createFlowClient({ baseUrl: sim.url, token: B64, sleep: async () => undefined }).getInventory();
    expect(records).toHaveLength(12);
    const text = JSON.stringify(records);
    expect(text).not.toContain(B64.slice(0, 6));
    expect(text).toMatch(/\[redacted\]|%5Bredacted%5D/);
    // the `next` link was followed with the echo redacted in it
    expect(sim.requests.some((r) => r.query.echo === "Bearer [redacted]")).toBe(true);
  });

  it("redacts an escaped echo in an error body's detail", async () => {
    const sim = await flow();
    const escaped = `\\u${TOKEN.charCodeAt(0).toString(16).padStart(4, "0")}${TOKEN.slice(1)}`;
    sim.addFault({ route: "list", action: { type: "raw", status: 400, body: `{"detail": "bad token ${escaped}"}` } });
    const { error } = await failure(client(sim).getInventory());
    expect(error.message).toContain("bad token [redacted]");
    sim.clearFaults();
    sim.addFault({
      route: "list",
      action: { type: "raw", status: 502, body: `<html>token ${encodeURIComponent(TOKEN)}</html>`, headers: { "content-type": "text/html" } },
    });
    const html = await failure(client(sim, { retry: { maxAttempts: 1 } }).getInventory());
    expect(html.error.message).not.toContain(TOKEN.slice(0, 8));
  });
});

describe("an answer for another integration is a data problem (issue 27)", () => {
  it("refuses a same-origin redirect from one integration's status to another's", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", integrationId: 103, action: { type: "redirect", status: 302, location: "../104/connection_status" } });
    const { error } = await failure(client(sim).getInventory());
    expect(error).toMatchObject({ kind: "validation", operation: "getConnectionStatus", integrationId: 103 });
    expect(error.message).toContain("redirecting the request for integration 103 to another resource");
    expect(sim.requests.filter((r) => r.route === "status" && r.integrationId === 104 && r.fault === undefined).length).toBeLessThanOrEqual(1);
  });

  it("follows a redirect that only adds the trailing slash", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", integrationId: 103, times: 1, action: { type: "redirect", status: 301, location: "connection_status/" } });
    expect(await client(sim).getInventory()).toHaveLength(12);
  });

  it("refuses a connection status that names another integration", async () => {
    const sim = await flow();
    sim.setConnectionStatus(105, { status: "connected", connected: true, integration: 106 } as never);
    const { error } = await failure(client(sim).getInventory());
    expect(error.message).toContain("Flow API getConnectionStatus (integration 105): Flow answered with the connection status of integration 106");
  });
});

describe("compression and budgets for the whole run (issue 27, items 5 and gzip)", () => {
  it("asks for gzip and reads compressed bodies", async () => {
    const sim = await flow({ dataset: "published" });
    const records = await client(sim).getInventory();
    expect(records.length).toBeGreaterThan(0);
    expect(sim.requests.find((r) => r.route === "list")?.acceptEncoding).toContain("gzip");
    expect(sim.requests.find((r) => r.route === "list")?.compressed).toBe(true);
  });

  it("caps the decompressed bytes: a compression bomb stops at maxResponseBytes", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "gzip-bomb", bytes: 64 * 1024 * 1024 } });
    const { error } = await failure(client(sim, { maxResponseBytes: 2 * 1024 * 1024 }).getInventory());
    expect(error.message).toContain("the response is larger than 2097152 bytes (maxResponseBytes, FLOW_API_MAX_RESPONSE_BYTES)");
  }, 30_000);

  it("refuses an encoding it did not ask for, and a body that does not decompress", async () => {
    const sim = await flow();
    sim.addFault({ route: "list", action: { type: "raw", body: "{}", headers: { "content-encoding": "br" } } });
    expect((await failure(client(sim).getInventory())).error.message).toContain('Flow answered with Content-Encoding "br", which pulumi-flow did not ask for');
    sim.clearFaults();
    sim.addFault({ route: "list", action: { type: "raw", body: "not gzip at all", headers: { "content-encoding": "gzip" } } });
    expect((await failure(client(sim).getInventory())).error.message).toContain("the gzip-compressed body cannot be decompressed");
  });

  it("stops when the run's responses add up to more than maxTotalBytes", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", action: { type: "huge", bytes: 1024 * 1024 } });
    const { error } = await failure(client(sim, { maxTotalBytes: 4 * 1024 * 1024, concurrency: 1 }).getInventory());
    expect(error.kind).toBe("validation");
    expect(error.message).toContain("the responses of this run add up to more than 4194304 bytes (maxTotalBytes, FLOW_API_MAX_TOTAL_BYTES)");
    expect(sim.requests.filter((r) => r.route === "status").length).toBeLessThanOrEqual(5);
  });

  it("stops a listing past maxRecords, and at once when `count` claims more", async () => {
    const sim = await flow({ maxPageSize: 5, omitCount: true });
    const { error } = await failure(client(sim, { maxRecords: 7 }).getInventory());
    expect(error.message).toContain("the listing holds more than 7 integrations (maxRecords, FLOW_API_MAX_RECORDS)");
    sim.addFault({ route: "list", action: { type: "count", value: 1e9 } });
    const claimed = await failure(client(sim, { env: { FLOW_API_MAX_RECORDS: "100" } }).getInventory());
    expect(claimed.error.message).toContain("`count` says 1000000000");
    expect(sim.requests.filter((r) => r.route === "list").length).toBe(3);
  });
});

describe("the deadline is the exit time (issue 27, item 3)", () => {
  it("leaves no retry timer behind when the run's deadline passes during a Retry-After wait", async () => {
    const sim = await flow();
    sim.addFault({ route: "status", action: { type: "status", status: 503, retryAfter: "30" } });
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const { error } = await failure(createFlowClient({ baseUrl: sim.url, token: TOKEN, deadlineMs: 600 }).getInventory());
    expect(error.message).toContain("the run's deadline");
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
