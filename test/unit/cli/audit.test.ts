import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAudit, type AuditIO } from "../../../src/cli/main";
import { diffInventories } from "../../../src/inventory/diff";
import { maskEmail, maskPersonalData } from "../../../src/inventory/privacy";
import { parseAuditArgs } from "../../../src/cli/args";
import { demoDataset } from "../../../src/simulator/datasets";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";

function io(sim: FlowSimulator, tty: boolean): AuditIO & { out: string; err: string } {
  const box = {
    out: "",
    err: "",
    env: { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token },
    cwd: process.cwd(),
    stdout: {
      write: (s: string, done?: (e?: Error | null) => void) => {
        box.out += s;
        done?.();
        return true;
      },
      isTTY: false,
    },
    stderr: { write: (s: string) => (box.err += s), isTTY: tty },
  };
  return box;
}

describe("flow-audit in-process", () => {
  let sim: FlowSimulator;
  beforeAll(async () => {
    sim = await startFlowSimulator({ dataset: "generated:300", latencyMs: 2 });
  });
  afterAll(() => sim.close());

  it("shows progress on a terminal's stderr, and none with --quiet or without a terminal", async () => {
    const tty = io(sim, true);
    expect(await runAudit(["--format", "json", "--fail-on", "never"], tty)).toBe(0);
    expect(tty.err).toMatch(/flow-audit: 300 integrations read, 300 connection statuses\n$/);
    const quiet = io(sim, true);
    await runAudit(["--format", "json", "--fail-on", "never", "--quiet"], quiet);
    expect(quiet.err).toBe("");
    const piped = io(sim, false);
    await runAudit(["--format", "json", "--fail-on", "never"], piped);
    expect(piped.err).toBe("");
    expect(JSON.parse(piped.out).summary.integrations).toBe(300);
  });

  it("resolves --output against the run's directory (io.cwd), also when refusing a directory before the read", async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "flow-audit-cwd-"));
    try {
      fs.mkdirSync(path.join(cwd, "taken.json"));
      expect(fs.existsSync(path.resolve("taken.json"))).toBe(false);
      const refused = Object.assign(io(sim, false), { cwd });
      const before = sim.requests.length;
      expect(await runAudit(["--format", "json", "--fail-on", "never", "--output", "json=taken.json"], refused)).toBe(2);
      expect(refused.err).toContain("--output json=taken.json: is a directory");
      expect(sim.requests.length).toBe(before);
      const written = Object.assign(io(sim, false), { cwd });
      expect(await runAudit(["--format", "json", "--fail-on", "never", "--output", "json=out.json"], written)).toBe(0);
      expect(JSON.parse(fs.readFileSync(path.join(cwd, "out.json"), "utf8")).summary.integrations).toBe(300);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("the JSON report", () => {
  it("is streamed in chunks that join to exactly JSON.stringify(report, null, 2)", async () => {
    const { buildReport } = await import("../../../src/cli/report");
    const { jsonChunks } = await import("../../../src/cli/reporters/json");
    const { evaluateInventory } = await import("../../../src/rules/evaluate");
    const { rules } = await import("../../../src/rules/index");
    const records = demoDataset();
    const findings = evaluateInventory(records);
    const base = {
      version: "0.0.0",
      source: { kind: "api" as const, location: "x" },
      policyFile: undefined,
      failOn: "mandatory" as const,
      personalDataMasked: true,
      integrations: 12,
      rules,
      enforcement: (r: { enforcement: string }) => r.enforcement,
      findings,
    };
    const diff = {
      against: "a.json",
      added: [],
      removed: [],
      changed: [{ id: 1, name: "n", vendor: "v", fields: ["integration.x"] }],
      findingsAppeared: [],
      findingsResolved: [],
    };
    for (const report of [buildReport(base), buildReport({ ...base, diff }), buildReport({ ...base, findings: [] })]) {
      const chunks = [...jsonChunks(report)];
      expect(chunks.join("")).toBe(`${JSON.stringify(report, null, 2)}\n`);
    }
    expect([...jsonChunks(buildReport(base))].length).toBe(findings.length + 3);
  });
});

describe("argument parsing", () => {
  it("splits repeated and comma-separated lists and FORMAT=FILE outputs", () => {
    const a = parseAuditArgs(["--vendor", "github,jira", "--vendor", "gitlab", "--id", "1,2", "--output", "sarif=out/a=b.sarif"]);
    expect(a).toMatchObject({
      vendors: ["github", "jira", "gitlab"],
      ids: [1, 2],
      outputs: [{ format: "sarif", file: "out/a=b.sarif" }],
      failOn: "mandatory",
      format: "table",
    });
  });
  it("takes --list-rules with a policy file and a format", () => {
    expect(parseAuditArgs(["--list-rules", "--policy-file", "p.yaml", "--format", "json", "-q"])).toMatchObject({
      listRules: true,
      policyFile: "p.yaml",
      format: "json",
    });
    expect(parseAuditArgs([]).listRules).toBe(false);
  });

  it("takes - in --output FORMAT=- as stdout, instead of --format (never a file named -)", () => {
    expect(parseAuditArgs(["--output", "json=-", "--output", "sarif=r.sarif"])).toMatchObject({
      format: "json",
      outputs: [{ format: "sarif", file: "r.sarif" }],
    });
    expect(parseAuditArgs(["--output", "json=./-"])).toMatchObject({ format: "table", outputs: [{ format: "json", file: "./-" }] });
  });
  it.each([
    [["--format", "markdown", "--output", "json=-"], /--format markdown and --output json=- would all write to stdout; only one report/],
    [["--output", "json=-", "--output", "sarif=-"], /--output json=- and --output sarif=- would all write to stdout/],
    [["--format", "table", "--output", "table=-"], /only one report can go there/],
    [["--fail-on", "sometimes"], /--fail-on must be mandatory, advisory or never/],
    [["--output", "sarif"], /--output must be FORMAT=FILE/],
    [["--output", "pdf=x.pdf"], /unknown format "pdf"/],
    [["--id", "abc"], /--id must be integration ids/],
    [["--concurrency", "0"], /--concurrency must be a positive integer/],
    [["--from-snapshot", "a.json", "--api-url", "https://x"], /exclude each other/],
    [["--token", "secret"], /--token is not accepted/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["positional"], /Unexpected argument 'positional'/],
    [["--list-rules", "--format", "sarif"], /--list-rules writes table or json, not "sarif"/],
    [["--list-rules", "--vendor", "github", "--output", "json=x.json"], /--list-rules takes only --policy-file and --format .*; drop --vendor, --output/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseAuditArgs(argv)).toThrow(message);
  });
});

describe("inventory diff and masking", () => {
  it("ignores sync timestamps and reports changed paths", () => {
    // The demo dataset's dates are relative to `now`: three days later, only the sync
    // timestamps (ignored) and created_at/updated_at (reported) differ.
    const before = demoDataset(0);
    const after = demoDataset(86_400_000 * 3);
    const d = diffInventories(before, after);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toHaveLength(12);
    for (const c of d.changed) expect(c.fields).toEqual(["integration.created_at", "integration.updated_at"]);
    const moved = after.map((r) => (r.integration.id === 101 ? { ...r, integration: { ...r.integration, auth_type: "userpass" } } : r));
    expect(diffInventories(after, moved).changed).toEqual([{ id: 101, name: "GitHub Platform", vendor: "github", fields: ["integration.auth_type"] }]);
    expect(diffInventories(after, after.slice(1)).removed).toEqual([{ id: 101, name: "GitHub Platform", vendor: "github" }]);
  });
  it("masks names and emails but keeps ids and active flags", () => {
    expect(maskEmail("sam.former@example.com")).toBe("s***@example.com");
    const [r] = maskPersonalData([demoDataset().find((x) => x.integration.id === 108)!]);
    expect(r.integration.created_by).toMatchObject({
      id: 1002,
      name: null,
      email: "s***@example.com",
      login_email: "s***@example.com",
      avatar_url: null,
      is_active: false,
    });
    expect(JSON.stringify(r)).not.toMatch(/Sam Former|sam\.former|gravatar/);
  });
});

describe("flow-audit's filters, counts and personal data (in-process, demo dataset)", () => {
  let sim: FlowSimulator;
  beforeAll(async () => {
    sim = await startFlowSimulator({ dataset: "demo" });
  });
  afterAll(() => sim.close());
  const lists = () => sim.requests.filter((r) => r.route === "list").map((r) => r.query);

  it("refuses a --vendor typo (exit 2, naming the vendors there are) instead of passing on 0 integrations", async () => {
    sim.resetLog();
    const box = io(sim, false);
    expect(await runAudit(["--vendor", "gihub"], box)).toBe(2);
    expect(box.out).toBe("");
    expect(box.err).toBe(
      "flow-audit: --vendor 'gihub': no integration of this vendor in Flow (vendors in Flow: azure_devops, bitbucket, github, gitlab, jira)\n",
    );
    // The filtered read, then one light listing of every integration's id and vendor.
    expect(lists()).toEqual([expect.objectContaining({ vendor_type__in: "gihub" }), expect.objectContaining({ fields: "id,name,vendor_type" })]);
  });

  it("lists nothing extra when every filter value matched", async () => {
    sim.resetLog();
    expect(await runAudit(["--vendor", "github", "--id", "101", "--format", "json"], io(sim, false))).toBe(0);
    expect(lists()).toHaveLength(1);
  });

  it("calls afterRead once, when the read is complete and before anything is reported", async () => {
    const box = io(sim, false);
    const calls: Array<{ requests: number; out: string }> = [];
    sim.resetLog();
    box.afterRead = () => calls.push({ requests: sim.requests.length, out: box.out });
    expect(await runAudit(["--format", "json", "--fail-on", "never"], box)).toBe(0);
    expect(calls).toEqual([{ requests: sim.requests.length, out: "" }]);
    // The listing and every connection status (the demo dataset: 12 integrations).
    expect(calls[0]!.requests).toBe(13);
  });

  it("counts one integration and one connection status in the singular", async () => {
    const box = io(sim, true);
    expect(await runAudit(["--id", "101", "--format", "json"], box)).toBe(0);
    expect(box.err).toMatch(/\rflow-audit: 1 integration read, 1 connection status\n$/);
    expect(box.err).not.toMatch(/\b1 (integrations|connection statuses)\b/);
  });

  it("shows personal data with FLOW_SHOW_PERSONAL_DATA as with --show-personal-data, and warns about a value it does not know", async () => {
    const shown = io(sim, false);
    shown.env.FLOW_SHOW_PERSONAL_DATA = "true";
    await runAudit(["--id", "108", "--format", "json", "--fail-on", "never"], shown);
    expect(JSON.parse(shown.out)).toMatchObject({ personalDataMasked: false });
    expect(shown.out).toContain("created_by user 'Sam Former' (id 1002)");
    const odd = io(sim, false);
    odd.env.FLOW_SHOW_PERSONAL_DATA = "maybe";
    await runAudit(["--id", "108", "--format", "json", "--fail-on", "never"], odd);
    expect(odd.out).not.toContain("Sam Former");
    expect(odd.err).toContain('flow-audit: warning: FLOW_SHOW_PERSONAL_DATA="maybe" is not one of true, 1, yes, false, 0, no; personal data stays masked');
  });
});
