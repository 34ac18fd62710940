import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseAuditArgs } from "../../src/cli/args";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { flowAudit } from "../helpers/cli";
import { repoRoot } from "../helpers/paths";
import { PulumiSandbox } from "../helpers/pulumi";

const ci = path.join(repoRoot, "examples", "ci");

/** Splits a shell command into words (quotes removed), stopping at a redirection. */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const w = m[1] ?? m[2] ?? m[3];
    if (m[3] && /^(>>?|\|)$/.test(m[3])) break;
    out.push(w);
  }
  return out;
}

function githubCommands(): string[] {
  const wf = parse(fs.readFileSync(path.join(ci, "github-actions.yml"), "utf8"));
  return Object.values(wf.jobs as Record<string, { steps: Array<{ run?: string }> }>).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
}

interface GitlabJob {
  before_script: string[];
  script: string[];
  after_script: string[];
  variables: Record<string, string>;
  artifacts: { reports: { junit: string } };
}

function gitlabJob(): GitlabJob {
  return (parse(fs.readFileSync(path.join(ci, "gitlab-ci.yml"), "utf8")) as Record<string, GitlabJob>)["flow-gate"];
}

function gitlabCommands(): string[] {
  const job = gitlabJob();
  return [...job.before_script, ...job.script, ...job.after_script];
}

describe("examples/ci", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let previewFlags: string;
  beforeAll(async () => {
    sim = await startFlowSimulator({ token: "ci-example-token" });
    previewFlags = (await sandbox.expect(["preview", "--help"])).stdout;
  });
  afterAll(async () => {
    await sim.close();
    await sandbox.dispose();
  });

  for (const [name, commands] of [
    ["GitHub Actions", githubCommands],
    ["GitLab CI", gitlabCommands],
  ] as const) {
    describe(name, () => {
      it("takes the Flow token from the CI secret store, never from the file", () => {
        const text = fs.readFileSync(path.join(ci, name === "GitHub Actions" ? "github-actions.yml" : "gitlab-ci.yml"), "utf8");
        if (name === "GitHub Actions") expect(text).toContain("FLOW_API_TOKEN: ${{ secrets.FLOW_API_TOKEN }}");
        else expect(gitlabJob().variables.FLOW_API_TOKEN).toBeUndefined();
        expect(commands().join("\n")).not.toMatch(/--token|FLOW_API_TOKEN=/);
      });

      it("runs the gate with pulumi preview flags that exist and the pack installed with the package", () => {
        const gate = commands().filter((c) => c.startsWith("pulumi preview"));
        expect(gate).toHaveLength(1);
        const argv = words(gate[0]).slice(2);
        for (const flag of argv.filter((w) => w.startsWith("--"))) expect(previewFlags, flag).toContain(`${flag} `);
        const pack = argv[argv.indexOf("--policy-pack") + 1];
        expect(pack).toBe("node_modules/pulumi-flow/policies");
        // In this repository node_modules/pulumi-flow is the package itself; test/e2e/adoption.test.ts runs the installed one.
        expect(fs.existsSync(path.join(repoRoot, pack, "PulumiPolicy.yaml"))).toBe(true);
        // The preview skips the engine's per-step snapshot serialization (test/e2e/policy-pack.test.ts: it gates the same).
        const env =
          name === "GitHub Actions"
            ? parse(fs.readFileSync(path.join(ci, "github-actions.yml"), "utf8")).jobs["flow-gate"].steps.find((s: { run?: string }) => s.run === gate[0]).env
            : gitlabJob().variables;
        expect(env.PULUMI_SKIP_CHECKPOINTS).toBe("true");
      });

      it("runs a flow-audit command that parses and produces the files the job publishes", async () => {
        const audit = commands().filter((c) => c.startsWith("npx flow-audit"));
        expect(audit).toHaveLength(1);
        const argv = words(audit[0]).slice(2);
        const parsed = parseAuditArgs(argv);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-ci-example-"));
        try {
          const r = await flowAudit(argv, { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token }, dir);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stdout).toContain("Flow integration audit: failed");
          for (const o of parsed.outputs) expect(fs.statSync(path.join(dir, o.file)).size, o.file).toBeGreaterThan(100);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
        const published =
          name === "GitHub Actions"
            ? [
                parse(fs.readFileSync(path.join(ci, "github-actions.yml"), "utf8")).jobs["flow-gate"].steps.find((s: { uses?: string }) =>
                  s.uses?.startsWith("github/codeql-action/upload-sarif"),
                ).with.sarif_file,
              ]
            : [gitlabJob().artifacts.reports.junit];
        for (const file of published) expect(parsed.outputs.map((o) => o.file)).toContain(file);
      });
    });
  }
});
