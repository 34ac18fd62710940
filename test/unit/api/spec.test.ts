import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/api/client";
import { loadSpec, specPath } from "../../../src/api/spec";
import publishedExample from "../../../src/api/examples/published-integration.json";
import { connectionStatusProblems, errorDetail, integrationProblems, validateIntegration, validateIntegrationList } from "../../../src/api/validation";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";

const repo = path.resolve(__dirname, "../../..");
const bin = (name: string) => path.join(repo, "node_modules", ".bin", name);
const TOKEN = "contract-token";

describe("the OpenAPI spec", () => {
  it("has fresh generated types (npm run generate leaves no diff)", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "schema-")), "schema.ts");
    const r = spawnSync(bin("openapi-typescript"), [specPath, "-o", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    spawnSync(process.execPath, [path.join(repo, "scripts/banner.mjs"), out]);
    const committed = fs.readFileSync(path.join(repo, "src/api/schema.ts"), "utf8");
    expect(fs.readFileSync(out, "utf8"), "src/api/schema.ts is stale: run npm run generate").toBe(committed);
  });

  it("declares three GET operations and marks the connection-status body as an assumption", () => {
    const spec = loadSpec() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    const ops = Object.values(spec.paths).flatMap((p) => Object.entries(p).map(([method, op]) => `${method} ${op.operationId}`));
    expect(ops.sort()).toEqual(["get getConnectionStatus", "get getIntegration", "get listIntegrations"]);
    expect(loadSpec().components.schemas.ConnectionStatus).toHaveProperty("x-pulumi-flow-assumption");
  });

  it("names each path's operation as the client does", () => {
    const spec = loadSpec() as unknown as { paths: Record<string, { get: { operationId: string } }> };
    expect(Object.fromEntries(Object.entries(spec.paths).map(([p, op]) => [p, op.get.operationId]))).toEqual(OPERATIONS);
  });

  it("has Flow's published example, verbatim, as its integration example", () => {
    const spec = loadSpec() as unknown as { components: { examples: Record<string, { value: unknown }> } };
    expect(spec.components.examples.PublishedIntegration.value).toEqual(publishedExample);
    const text = fs.readFileSync(path.join(repo, "src/api/examples/published-integration.json"), "utf8");
    expect(JSON.parse(text)).toEqual(publishedExample);
  });

  it("validates the published example verbatim, with no data problem", () => {
    expect(integrationProblems(structuredClone(publishedExample), 10649)).toEqual([]);
    expect(validateIntegration("test", structuredClone(publishedExample)).id).toBe(10649);
  });

  it("reads a 'double' id sent as 10649.0 and tolerates users as ids, nulls, offsets and extra fields", () => {
    const fromText = JSON.parse(JSON.stringify(publishedExample).replace('"id":10649,', '"id":10649.0,'));
    expect(validateIntegration("test", fromText).id).toBe(10649);
    const variants: Array<Record<string, unknown>> = [
      { created_by: 19994, updated_by: "19994" },
      { created_by: null, updated_by: null, vendor_meta: null, enabled_source_types: null, source_type_names: null },
      { created_at: "2024-03-20T22:09:54Z", updated_at: "2024-03-20T22:09:54.828795+01:00", source_projects_last_updated: "2024-03-20 22:09:54" },
      { brand_new_field: { x: 1 }, vendor_meta: { ...publishedExample.vendor_meta, brand_new: true } },
      { enabled_source_types: ["repo", "pull_request"], source_type_names: "repo,pull_request" },
    ];
    for (const v of variants) expect(integrationProblems({ ...structuredClone(publishedExample), ...v }, 10649), JSON.stringify(v)).toEqual([]);
    expect(integrationProblems({ id: 1, name: "x", vendor_type: "github" }, 1)).toEqual([]);
  });

  it("names field, JSON path, shape and expectation of a field it cannot use, without rejecting the record", () => {
    const record = { ...structuredClone(publishedExample), created_at: "yesterday", vendor_meta: { ...publishedExample.vendor_meta, auth_types: [{ name: "oauth" }] } };
    expect(validateIntegration("test", record).id).toBe(10649);
    expect(integrationProblems(record, 10649)).toEqual([
      { integrationId: 10649, document: "integration", path: "$.created_at", field: "created_at", expected: "a date-time such as 2024-03-20T22:09:54.828795 or null", got: 'a string ("yesterday")' },
      { integrationId: 10649, document: "integration", path: "$.vendor_meta.auth_types[0]", field: "vendor_meta.auth_types", expected: "string", got: "an object" },
    ]);
    const user = { ...structuredClone(publishedExample), created_by: { ...publishedExample.created_by, is_active: "yes" } };
    expect(integrationProblems(user, 10649).map((p) => [p.path, p.expected])).toEqual([["$.created_by.is_active", "boolean or null"]]);
  });

  it("still rejects what cannot be identified: a record that is not an object, or has no usable id", () => {
    for (const id of ["10649", -5, 0, 1.5, 1e300, null, undefined]) {
      expect(() => validateIntegration("listIntegrations", { ...structuredClone(publishedExample), id }, "/results/2"), String(id)).toThrow(/no usable id .* at \$\.results\[2\]\.id/);
    }
    expect(() => validateIntegration("listIntegrations", "10649", "/results/0")).toThrow(/not a JSON object at \$\.results\[0\]/);
    expect(() => validateIntegrationList("listIntegrations", { count: 1, next: null, previous: null, results: {} })).toThrow(/not a page of integrations .* at \$\.results — must be array/);
  });
});

/** A free loopback port (for tools that cannot take port 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe("contract: every simulator response matches the spec", () => {
  let sim: FlowSimulator;
  let prism: ChildProcess;
  let prismUrl: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN, maxPageSize: 5 });
    const port = await freePort();
    prismUrl = `http://127.0.0.1:${port}`;
    prism = spawn(bin("prism"), ["proxy", specPath, sim.url, "--errors", "--host", "127.0.0.1", "--port", String(port)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Prism did not start:\n${log}`)), 60_000);
      const onData = (d: Buffer) => {
        log += d.toString();
        if (log.includes("Prism is listening")) {
          clearTimeout(timer);
          resolve();
        }
      };
      prism.stdout!.on("data", onData);
      prism.stderr!.on("data", onData);
      prism.on("exit", (code) => reject(new Error(`Prism exited ${code}:\n${log}`)));
    });
  }, 90_000);

  afterAll(async () => {
    prism?.kill();
    await sim?.close();
  });

  /** Every URL a client could ask for on the demo dataset, including errors. */
  function urls(): string[] {
    const ids = sim.integrations().map((i) => i.id);
    return [
      "/integrations",
      "/integrations?limit=5&offset=5",
      "/integrations?limit=5&offset=10",
      "/integrations?vendor_type__in=github,jira&ordering=-updated_at",
      "/integrations?webhooks_enabled=false&fields=id,name,vendor_type,webhooks_enabled",
      "/integrations?name__icontains=lab&omit=vendor_meta",
      ...ids.map((id) => `/integrations/${id}`),
      ...ids.map((id) => `/integrations/${id}/connection_status`),
      "/integrations/999",
      "/integrations/999/connection_status",
    ];
  }

  it("validates against the project's own validator, with no data problem", async () => {
    for (const u of urls()) {
      const res = await fetch(sim.url + u, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const body = await res.json();
      if (res.status !== 200) {
        expect(errorDetail(body), u).toBeTypeOf("string");
      } else if (u.endsWith("connection_status")) {
        expect(connectionStatusProblems(body, 1), u).toEqual([]);
      } else if (/\/integrations\/\d+$/.test(u)) {
        expect(integrationProblems(validateIntegration(u, body), 1), u).toEqual([]);
      } else {
        for (const item of validateIntegrationList(u, body).results) expect(integrationProblems(item, item.id), u).toEqual([]);
      }
    }
    const unauthorized = await fetch(sim.url + "/integrations");
    expect(unauthorized.status).toBe(401);
    expect(errorDetail(await unauthorized.json())).toBe("Authentication credentials were not provided.");
  });

  it("passes Stoplight Prism's validating proxy with no violations", async () => {
    for (const u of urls()) {
      const res = await fetch(prismUrl + u, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      expect(res.headers.get("sl-violations"), `${u}: ${text.slice(0, 300)}`).toBeNull();
      expect([200, 404], `${u}: ${text.slice(0, 300)}`).toContain(res.status);
    }
  });

  it("and Prism does catch a schema violation (the check can fail)", async () => {
    const remove = sim.addFault({ route: "get", action: { type: "invalid-record", field: "webhooks_enabled", value: "yes" } });
    try {
      const res = await fetch(prismUrl + "/integrations/101", { headers: { Authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      const flagged = res.status >= 500 || res.headers.get("sl-violations") !== null;
      expect(flagged, text.slice(0, 300)).toBe(true);
    } finally {
      remove();
    }
  });
});
