import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { generatedDataset } from "../../../src/simulator/datasets";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { flowAudit } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";
import { readJunit } from "../../helpers/reports";

// Issue 27, item 4 and the report sizes of item 5, against the built flow-audit: 25 integrations
// named with 1.25 MB each, one 31 MB page (under the 32 MiB per-response cap). The run used to
// end in "RangeError: Maximum call stack size exceeded at renderTable" (exit 3, no report), and
// the same page made a 625 MB JSON report. Bounds are sizes, never times; the timeout is generous
// for a loaded two-core machine.
const TOKEN = "long-names-token-5c1e";
const INTEGRATIONS = 25;
const NAME_LENGTH = 1_250_000;
const DISPLAY_MAX = 200;
const FORMATS = ["json", "sarif", "junit", "markdown", "html", "table"] as const;

/** A 1.25 MB name of words, with a tail that tells the integrations apart. */
const longName = (k: number) => {
  const tail = ` END-${k}`;
  return "Integration with a long name ".repeat(Math.ceil(NAME_LENGTH / 29)).slice(0, NAME_LENGTH - tail.length) + tail;
};

describe("flow-audit over integrations with 1.25 MB names", () => {
  let sim: FlowSimulator | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes every report (exit 1, not 3), each name cut with … and the JSON report as large as the page, not 20 times it", async () => {
    const records = generatedDataset(INTEGRATIONS, 7).map((r, k) => ({
      ...r,
      // Every integration fails a mandatory rule, so each is listed in every format.
      integration: { ...r.integration, name: longName(k), webhooks_enabled: false },
    }));
    const page = Buffer.byteLength(JSON.stringify({ count: INTEGRATIONS, next: null, previous: null, results: records.map((r) => r.integration) }));
    expect(page).toBeGreaterThan(INTEGRATIONS * NAME_LENGTH);
    sim = await startFlowSimulator({ dataset: records, token: TOKEN, maxPageSize: 100 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-long-names-"));
    const file = (format: string) => path.join(dir!, `report.${format}`);
    const outputs = FORMATS.flatMap((f) => ["--output", `${f}=${file(f)}`]);

    const r = await flowAudit(["--quiet", ...outputs], { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN, COLUMNS: "100" }, dir);
    expect(r.stderr).not.toContain("RangeError");
    expect(r.code, r.stderr.slice(0, 4000)).toBe(1);

    const sizes = Object.fromEntries(FORMATS.map((f) => [f, fs.statSync(file(f)).size]));
    if (process.env.SHOW_SIZES) console.log(`page ${page} bytes; reports ${JSON.stringify(sizes)}`);
    // The JSON report holds each full name once (fullNames): about the page, never a multiple of it per finding.
    expect(sizes.json).toBeLessThan(1.5 * page);
    // Every other format shows names cut to DISPLAY_MAX characters: far below one name per integration.
    for (const f of FORMATS.filter((x) => x !== "json")) expect(sizes[f], f).toBeLessThan(INTEGRATIONS * NAME_LENGTH * 0.05);

    const report = JSON.parse(fs.readFileSync(file("json"), "utf8"));
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, "src", "cli", "report.schema.json"), "utf8"));
    expect(ajv.validate(schema, report), ajv.errorsText()).toBe(true);
    expect(report.summary).toMatchObject({ integrations: INTEGRATIONS, dataErrors: 0 });
    expect(report.fullNames.map((n: { name: string }) => n.name).sort()).toEqual(records.map((x) => x.integration.name).sort());
    for (const f of report.findings.filter((x: { integration?: unknown }) => x.integration)) {
      expect(f.integration.name.length).toBeLessThanOrEqual(DISPLAY_MAX);
      expect(f.integration.name.endsWith("…")).toBe(true);
      expect(f.message).toContain("…");
    }

    const junit = readJunit(fs.readFileSync(file("junit"), "utf8"));
    expect(junit.totals.failures).toBeGreaterThanOrEqual(INTEGRATIONS);
    expect(junit.cases.every((c) => c.name.length < DISPLAY_MAX * 2)).toBe(true);
    for (const f of FORMATS.filter((x) => x !== "json")) {
      const text = fs.readFileSync(file(f), "utf8");
      expect(text.includes("…"), `${f} shows the ellipsis`).toBe(true);
      expect(text.includes("Integration with a long name ".repeat(8)), `${f} shows no name whole`).toBe(false);
    }
  }, 600_000);
});
