/**
 * Adopting the gate on a messy tenant with a baseline, end to end: the real flow-audit bin
 * against the simulator's demo tenant, as docs/ci.md#adopting-the-gate-on-an-existing-tenant says.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { flowAudit, type CliResult } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";
import { readJunit } from "../../helpers/reports";

const TOKEN = "baseline-e2e-token-5c1d09ae";
/** Open mandatory findings of the demo tenant with the default policy. */
const DEMO_FAILING = [
  "flow-integration-allowed-auth-type 104",
  "flow-integration-allowed-auth-type 110",
  "flow-integration-connected 105",
  "flow-integration-webhooks-enabled 102",
];

interface JsonReport {
  policy: { digest: string | null; baseline: { file: string; digest: string | null } | null };
  summary: { failing: number; baselined: number; passed: boolean };
  findings: Array<{ ruleId: string; status: string; enforcement: string; integration?: { id: number }; baseline?: { state: string }; fingerprint?: string }>;
  baseline?: {
    applied?: { expired: boolean; entries: number; tolerated: number; changed: number; resolved: Array<{ rule: string; integration?: number }> };
    written?: { entries: number; kept: number; dropped: number; added: number; notAdded: number };
  };
}

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

describe("adopting the gate with a baseline (flow-audit against the simulator)", () => {
  let sim: FlowSimulator;
  let dir: string;
  const run = (args: string[]): Promise<CliResult> => flowAudit(args, { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN }, dir);
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const valid = ajv.compile(JSON.parse(fs.readFileSync(path.join(repoRoot, "src", "cli", "report.schema.json"), "utf8")) as object);
  /** The JSON report on stdout, checked against its published schema. */
  const json = (r: CliResult) => {
    const report: unknown = JSON.parse(r.stdout);
    expect(valid(report), ajv.errorsText(valid.errors)).toBe(true);
    return report as JsonReport;
  };
  const failing = (r: JsonReport) =>
    r.findings
      .filter((f) => f.status === "violation" && f.enforcement === "mandatory" && f.baseline?.state !== "active")
      .map((f) => `${f.ruleId} ${f.integration?.id}`)
      .sort();
  const entries = (file: string) =>
    (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as { entries: Array<{ rule: string; integration?: number }> }).entries;

  /** A fix of a baselined integration (105) is reported resolved and dropped by the rewrite; the new finding (101) is added only with --baseline-grow. */
  const expectFixShrinksBaseline = async (baselined: number) => {
    sim.setConnectionStatus(105, { status: "connected", connected: true });
    const shrunk = await run(["--baseline", "flow-baseline.json", "--write-baseline", "flow-baseline.json", "--format", "json"]);
    const after = json(shrunk);
    expect(after.baseline?.applied?.resolved).toEqual([expect.objectContaining({ rule: "flow-integration-connected", integration: 105 })]);
    expect(after.baseline?.written).toMatchObject({ entries: baselined - 1, kept: baselined - 1, dropped: 1, added: 0, notAdded: 1 });
    expect(shrunk.stderr).toContain("1 new finding not added (a baseline only shrinks; --baseline-grow adds them)");
    expect(entries("flow-baseline.json")).toHaveLength(baselined - 1);
    expect(entries("flow-baseline.json").map((e) => `${e.rule} ${e.integration}`)).not.toContain("flow-integration-connected 105");
    // With --baseline-grow the new finding goes in (an explicit, reviewable choice).
    const grown = await run(["--baseline", "flow-baseline.json", "--write-baseline", "grown.json", "--baseline-grow", "--format", "json"]);
    expect(json(grown).baseline?.written).toMatchObject({ entries: baselined, added: 1 });
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-baseline-e2e-"));
  });
  beforeEach(async () => {
    await sim?.close();
    sim = await startFlowSimulator({ token: TOKEN });
  });
  afterAll(async () => {
    await sim?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("write → passes → a new finding fails alone → a fix is resolved and the rewrite shrinks → past its expiry all fail", async () => {
    // 1. Adopt: the demo tenant fails today; write what it has as the baseline.
    const written = await run(["--write-baseline", "flow-baseline.json", "--baseline-expires", day(90), "--format", "json"]);
    expect(written.code, written.stderr).toBe(1);
    expect(written.stderr).toMatch(/wrote flow-baseline\.json: \d+ baselined findings, expires \d{4}-\d{2}-\d{2} \(a new baseline\)/);
    const adopted = entries("flow-baseline.json");
    expect(adopted.map((e) => `${e.rule} ${e.integration}`)).toEqual(expect.arrayContaining(DEMO_FAILING));
    const text = fs.readFileSync(path.join(dir, "flow-baseline.json"), "utf8");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/@|"name"/); // ids and fingerprints only: no names, no emails

    // 2. The gate passes against it, every format counting the baselined findings.
    const gated = await run([
      "--baseline",
      "flow-baseline.json",
      "--format",
      "json",
      "--output",
      "sarif=gate.sarif",
      "--output",
      "junit=gate.xml",
      "--output",
      "markdown=gate.md",
      "--output",
      "html=gate.html",
    ]);
    expect(gated.code, gated.stderr).toBe(0);
    const report = json(gated);
    expect(report.summary).toMatchObject({ failing: 0, baselined: adopted.length, passed: true });
    expect(report.baseline?.applied).toMatchObject({ expired: false, entries: adopted.length, tolerated: adopted.length, changed: 0, resolved: [] });
    // The baseline in force is recorded by digest, beside the policy file's (none here), in JSON and HTML.
    const bytes = fs.readFileSync(path.join(dir, "flow-baseline.json"));
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    expect(report.policy).toMatchObject({ digest: null, baseline: { file: "flow-baseline.json", digest } });
    const page = fs.readFileSync(path.join(dir, "gate.html"), "utf8");
    const embedded = JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page)![1]) as {
      meta: { policy: JsonReport["policy"] };
    };
    expect(embedded.meta.policy.baseline).toEqual({ file: "flow-baseline.json", digest });
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, "gate.sarif"), "utf8")) as {
      runs: Array<{ results: Array<{ suppressions?: unknown[]; baselineState?: string }> }>;
    };
    const results = sarif.runs[0].results;
    expect(results.filter((r) => r.baselineState === "unchanged" && r.suppressions?.length === 1)).toHaveLength(adopted.length);
    const junit = readJunit(fs.readFileSync(path.join(dir, "gate.xml"), "utf8"));
    expect(junit.elements.failures).toBe(0);
    expect(junit.cases.filter((c) => c.skipped !== undefined && JSON.stringify(c).includes("Baselined:"))).toHaveLength(adopted.length);
    expect(fs.readFileSync(path.join(dir, "gate.md"), "utf8")).toMatch(/\| Baselined \|[\s\S]*Baseline flow-baseline\.json \(expires/);

    // 3. Break one more integration: the gate fails on exactly that one.
    sim.setConnectionStatus(101, { status: "disconnected", connected: false, message: "token revoked" });
    const broken = await run(["--baseline", "flow-baseline.json", "--format", "json"]);
    expect(broken.code).toBe(1);
    expect(failing(json(broken))).toEqual(["flow-integration-connected 101"]);

    // 4. Fix a baselined integration: it is reported resolved, and the rewrite drops it (the new finding is not added).
    await expectFixShrinksBaseline(adopted.length);

    // 5. Past its expiry the baseline tolerates nothing: every finding it lists fails again.
    const file = path.join(dir, "flow-baseline.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"expires": "[\d-]+"/, `"expires": "${day(-1)}"`));
    const expired = await run(["--baseline", "flow-baseline.json", "--format", "json"]);
    expect(expired.code).toBe(1);
    const e = json(expired);
    expect(e.summary.baselined).toBe(0);
    expect(e.baseline?.applied?.expired).toBe(true);
    expect(failing(e)).toEqual([
      "flow-integration-allowed-auth-type 104",
      "flow-integration-allowed-auth-type 110",
      "flow-integration-connected 101",
      "flow-integration-webhooks-enabled 102",
    ]);
    const table = await run(["--baseline", "flow-baseline.json"]);
    expect(table.stdout).toContain(`Baseline flow-baseline.json expired on ${day(-1)}`);
  });

  it("a changed finding fails although it is baselined; usage mistakes are named before anything is read", async () => {
    await run(["--write-baseline", "changed.json", "--baseline-expires", day(30), "--quiet"]);
    sim.setConnectionStatus(105, { status: "error", connected: false, message: "a different failure" });
    const r = json(await run(["--baseline", "changed.json", "--format", "json"]));
    expect(r.findings.find((f) => f.ruleId === "flow-integration-connected" && f.integration?.id === 105)?.baseline?.state).toBe("changed");
    expect(failing(r)).toEqual(["flow-integration-connected 105"]);

    const before = sim.requests.length;
    const usage = async (args: string[], message: string | RegExp) => {
      const u = await run(args);
      expect(u.code, u.stderr).toBe(2);
      expect(u.stderr).toMatch(message);
    };
    await usage(["--write-baseline", "new.json"], /a new baseline needs --baseline-expires YYYY-MM-DD/);
    await usage(["--write-baseline", "new.json", "--baseline-expires", day(-2)], /is in the past/);
    await usage(["--write-baseline", "new.json", "--baseline-expires", "2027-02-30"], /--baseline-expires must be a date, YYYY-MM-DD, got "2027-02-30"/);
    await usage(["--baseline-grow"], /--baseline-grow goes with --write-baseline FILE/);
    await usage(["--baseline", "missing.json"], /missing\.json:1:1: cannot read the baseline \(ENOENT\)/);
    fs.writeFileSync(path.join(dir, "broken.json"), '{ "kind": "pulumi-flow/baseline", "version": 1, "expires": "2027-01-01", "entries": [ { "rule": 3 } ] }');
    await usage(["--baseline", "broken.json"], /^flow-audit: broken\.json:1:\d+: \$\.entries\[0\]\.rule must be a rule id/);
    expect(sim.requests.length).toBe(before);
  });
});
