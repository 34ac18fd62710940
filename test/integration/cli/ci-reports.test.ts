import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { flowAudit } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";
import { readJunit, sarifLocations } from "../../helpers/reports";
import { sarifSchemaProblems } from "../../helpers/sarif";

const ci = path.join(repoRoot, "examples", "ci");
const STEP_SUMMARY_LIMIT = 1024 * 1024;
/** The demo inventory's open findings: 4 mandatory violations, 6 advisory ones, no errors. */
const OPEN = { mandatory: 4, advisory: 6 };

/** The recipe's flow-audit command: its arguments, and the file its stdout is redirected to (if any). */
function recipeCommand(file: string): { argv: string[]; stdoutTo?: string } {
  const doc = parse(fs.readFileSync(path.join(ci, file), "utf8"));
  const scripts: string[] = file.startsWith("github")
    ? Object.values(doc.jobs as Record<string, { steps: Array<{ run?: string }> }>).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])))
    : Object.values(doc as Record<string, { after_script?: string[]; script?: string[] }>).flatMap((j) => [...(j.script ?? []), ...(j.after_script ?? [])]);
  const command = scripts.filter((c) => c.startsWith("npx flow-audit"));
  expect(command).toHaveLength(1);
  const words = [...command[0].matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
  const redirect = words.findIndex((w) => w === ">" || w === ">>");
  return {
    argv: words.slice(2, redirect < 0 ? undefined : redirect),
    stdoutTo: redirect < 0 || words[redirect + 1].startsWith("$") ? undefined : words[redirect + 1],
  };
}

/** The value of `--output FORMAT=FILE` in argv. */
function outputOf(argv: string[], format: string): string | undefined {
  return argv.map((w, i) => (argv[i - 1] === "--output" && w.startsWith(`${format}=`) ? w.slice(format.length + 1) : undefined)).find(Boolean);
}

describe("the CI recipes' reports, read as their consumers read them", () => {
  let sim: FlowSimulator | undefined;
  const dirs: string[] = [];
  const tempDir = () => {
    dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), "flow-ci-reports-")));
    return dirs[dirs.length - 1];
  };
  const audit = async (argv: string[], dir: string, stdoutTo?: string) => {
    const r = await flowAudit(argv, { FLOW_API_URL: sim!.url, FLOW_API_TOKEN: sim!.token }, dir);
    if (stdoutTo) fs.writeFileSync(path.join(dir, stdoutTo), r.stdout);
    return r;
  };
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const recipe of ["github-actions.yml", "gitlab-ci.yml"]) {
    it(`${recipe}: JUnit counts every open violation, SARIF points at files that exist, Markdown states one verdict`, async () => {
      sim = await startFlowSimulator({});
      const { argv, stdoutTo } = recipeCommand(recipe);
      expect(argv).toContain("never");
      const dir = tempDir();
      const r = await audit(argv, dir, stdoutTo);
      expect(r.code, r.stderr).toBe(0);

      const junit = readJunit(fs.readFileSync(path.join(dir, outputOf(argv, "junit")!), "utf8"));
      expect(junit.totals).toEqual(junit.suiteSums);
      expect(junit.totals).toEqual(junit.elements);
      expect(junit.totals.failures).toBe(OPEN.mandatory + OPEN.advisory);
      expect(junit.cases.filter((c) => c.failure?.type === "mandatory")).toHaveLength(OPEN.mandatory);

      // --fail-on never: the mandatory violations are failing in every report, the run only does not enforce them.
      const report = JSON.parse(fs.readFileSync(path.join(dir, outputOf(argv, "json")!), "utf8"));
      expect(report.summary).toMatchObject({ failing: OPEN.mandatory, enforced: false, passed: false, verdict: "failed-not-enforced" });

      const sarifFile = outputOf(argv, "sarif");
      if (sarifFile) {
        const sarifText = fs.readFileSync(path.join(dir, sarifFile), "utf8");
        const { locations, problems } = sarifLocations(sarifText, dir);
        expect(problems).toEqual([]);
        expect(locations).toHaveLength(OPEN.mandatory + OPEN.advisory);
        const results = JSON.parse(sarifText).runs[0].results as Array<{ level: string; properties: { enforcement: string; disposition: string } }>;
        expect(results.filter((x) => x.properties.enforcement === "mandatory").map((x) => [x.level, x.properties.disposition])).toEqual(
          Array.from({ length: OPEN.mandatory }, () => ["error", "not-enforced"]),
        );
        expect(JSON.parse(sarifText).runs[0].originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: `${pathToFileURL(dir).href}/` } });
        // No policy file in this repository: each result opens the JSON report at its finding.
        const json = fs.readFileSync(path.join(dir, outputOf(argv, "json")!), "utf8").split("\n");
        for (const l of locations) {
          expect(path.basename(l.file)).toBe(outputOf(argv, "json"));
          expect(json[l.line - 1]).toBe("    {");
          expect(json[l.line]).toBe(`      "ruleId": "${l.ruleId}",`);
          expect(json.slice(l.line, l.line + 12).join("\n")).toContain(`"id": ${l.integration},`);
        }
      }

      const md = stdoutTo ? fs.readFileSync(path.join(dir, stdoutTo), "utf8") : r.stdout;
      expect(md).toMatch(/^## ❌ Flow integration audit: failed \(not enforced\)\n\nFAIL, not enforced/);
      expect(md).not.toMatch(/\bPASS\b|failing at never/);
      expect(Buffer.byteLength(md)).toBeLessThan(STEP_SUMMARY_LIMIT / 4);
    });
  }

  it("points SARIF results at the policy file's exception and rule lines, and it matches the SARIF 2.1.0 schema", async () => {
    sim = await startFlowSimulator({});
    const { argv } = recipeCommand("github-actions.yml");
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "flow-policy.yaml"),
      "version: 1\nrules:\n  flow-integration-connected:\n    enforcement: mandatory\nexceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    reason: org policy\n    expires: 2099-01-31\n",
    );
    expect((await audit(argv, dir)).code).toBe(0);
    const sarifFile = path.join(dir, outputOf(argv, "sarif")!);
    const { locations, problems } = sarifLocations(fs.readFileSync(sarifFile, "utf8"), dir);
    expect(problems).toEqual([]);
    const at = (rule: string, id: number) => locations.find((l) => l.ruleId === rule && l.integration === String(id));
    expect(at("flow-integration-webhooks-enabled", 102)).toMatchObject({ file: path.join(dir, "flow-policy.yaml"), line: 6 });
    expect(at("flow-integration-connected", 105)).toMatchObject({ file: path.join(dir, "flow-policy.yaml"), line: 3 });
    expect(at("flow-integration-allowed-auth-type", 104)).toMatchObject({ file: path.join(dir, "flow-policy.yaml"), line: 1 });
    expect(sarifSchemaProblems(JSON.parse(fs.readFileSync(sarifFile, "utf8")))).toEqual([]);
  });

  it("without a policy file or JSON report, points at the snapshot's records, else the SARIF file, else warns that no file can show them", async () => {
    sim = await startFlowSimulator({});
    const dir = tempDir();
    const snap = await audit(["--format", "sarif", "--snapshot-out", "snap.json", "--quiet"], dir);
    expect(snap.code).toBe(1);
    const viaSnapshot = sarifLocations(snap.stdout, dir);
    expect(viaSnapshot.problems).toEqual([]);
    const snapshot = fs.readFileSync(path.join(dir, "snap.json"), "utf8").split("\n");
    for (const l of viaSnapshot.locations) expect(snapshot.slice(l.line, l.line + 3).join("\n")).toContain(`"id": ${l.integration},`);

    const self = await audit(["--format", "json", "--output", "sarif=out.sarif"], dir);
    const viaSelf = sarifLocations(fs.readFileSync(path.join(dir, "out.sarif"), "utf8"), dir);
    expect(viaSelf.problems).toEqual([]);
    expect(viaSelf.locations.map((l) => `${path.basename(l.file)}:${l.line}`)).toEqual(viaSelf.locations.map(() => "out.sarif:1"));
    expect(self.stderr).toBe("");

    const none = await audit(["--format", "sarif", "--quiet"], dir);
    expect(none.code).toBe(1);
    expect(sarifLocations(none.stdout, dir).problems).toContain("flow-integration-connected flow/integrations/105: no file");
    expect(JSON.parse(none.stdout).runs[0].originalUriBaseIds).toBeUndefined();
    expect(none.stderr).toMatch(/^flow-audit: warning: the SARIF results point at no file.*add --output json=FILE .*--snapshot-out FILE or a policy file/m);
    expect(fs.existsSync(path.join(dir, "flow-policy.yaml"))).toBe(false);
  });

  it("github-actions.yml at 3,000 integrations: the step summary stays far below GitHub's 1 MiB", async () => {
    sim = await startFlowSimulator({ dataset: "generated:3000" });
    const { argv } = recipeCommand("github-actions.yml");
    const dir = tempDir();
    const r = await audit(argv, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(STEP_SUMMARY_LIMIT / 4);
    expect(r.stdout).toMatch(/_… and \d+ more findings \(\d+ of them ❌\) in flow-audit\.json \(JSON\), flow-audit\.sarif \(SARIF\)\._/);
    const junit = readJunit(fs.readFileSync(path.join(dir, "flow-audit.xml"), "utf8"));
    expect(junit.totals).toEqual(junit.elements);
    expect(junit.totals.failures + junit.totals.errors).toBe(
      JSON.parse(fs.readFileSync(path.join(dir, "flow-audit.json"), "utf8")).findings.filter(
        (f: { status: string; exception?: { state: string } }) => (f.status === "violation" || f.status === "error") && f.exception?.state !== "active",
      ).length,
    );
    expect(sarifLocations(fs.readFileSync(path.join(dir, "flow-audit.sarif"), "utf8"), dir).problems).toEqual([]);
  });
});
