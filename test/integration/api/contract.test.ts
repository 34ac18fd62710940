import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { specPath } from "../../../src/api/spec";
import { connectionStatusProblems, errorDetail, integrationProblems, validateIntegration, validateIntegrationList } from "../../../src/api/validation";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";

// The spec against the tools that read it: openapi-typescript (generated types stay fresh) and
// Stoplight Prism's validating proxy (every simulator response conforms).
const repo = path.resolve(__dirname, "../../..");
const bin = (name: string) => path.join(repo, "node_modules", ".bin", name);
const TOKEN = "contract-token";

describe("the OpenAPI spec and its generated types", () => {
  it("has fresh generated types (npm run generate leaves no diff)", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "schema-")), "schema.ts");
    const r = spawnSync(bin("openapi-typescript"), [specPath, "-o", out], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    spawnSync(process.execPath, [path.join(repo, "scripts/banner.mjs"), out]);
    const committed = fs.readFileSync(path.join(repo, "src/api/schema.ts"), "utf8");
    expect(fs.readFileSync(out, "utf8"), "src/api/schema.ts is stale: run npm run generate").toBe(committed);
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
