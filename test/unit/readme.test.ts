import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { USAGE } from "../../src/cli/args";
import { evaluateInventory } from "../../src/rules/evaluate";
import { demoDataset } from "../../src/simulator/datasets";
import { anchorOf, headings, prose, section } from "../helpers/markdown";

const repo = path.resolve(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
/** The pages of docs/ (its Markdown files; docs/images/ holds pictures). */
const docsPages = () => fs.readdirSync(path.join(repo, "docs")).filter((f) => f.endsWith(".md"));

describe("README", () => {
  it("gives the two set-up commands that CI and the demo test run", () => {
    const quickstart = section(readme, "## Quickstart");
    expect(quickstart).toContain("npm ci && npm run demo");
    expect(quickstart).toContain("npm ci && npm test");
    const ci = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm ci /m);
    // The machine's Node.js line and each other line run the same README command.
    expect(ci.match(/^\s*npm test\b/gm)).toHaveLength(2);
    expect(pkg.scripts.demo).toBe("node scripts/demo.mjs --build"); // what test/e2e/demo.test.ts runs, compiling first
    expect(pkg.scripts.test).toMatch(/vitest run$/);
  });

  it("documents every flow-audit option in docs/cli.md's options table, which the README links", () => {
    const options = section(fs.readFileSync(path.join(repo, "docs", "cli.md"), "utf8"), "## Options");
    for (const flag of USAGE.match(/--[a-z-]+/g) ?? []) {
      if (flag === "--help" || flag === "--version") continue;
      expect(options, `${flag} is in flow-audit's USAGE but not in docs/cli.md's Options table`).toMatch(new RegExp(`^\\|.*\`${flag}\\b`, "m"));
    }
    expect(section(readme, "### Without Pulumi: flow-audit")).toContain("](docs/cli.md)");
  });

  it("is short: what it is, how to start, where to read on (the details live in docs/)", () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(15 * 1024);
  });

  it("opens with what it is, a sample of its output, then a table of contents that matches its headings", () => {
    const [first, second] = headings(readme).filter((h) => h.level === 2);
    expect([first.text, second.text]).toEqual(["Contents", "Install"]);
    expect(readme.indexOf("```text\n$ flow-audit")).toBeLessThan(readme.indexOf("## Contents"));
    const toc = [...section(readme, "## Contents").matchAll(/^( *)- \[([^\]]+)\]\(#([^)]+)\)$/gm)].map((m) => ({
      level: m[1].length / 2 + 2,
      text: m[2],
      anchor: m[3],
    }));
    const sections = headings(readme).filter((h) => h.level >= 2 && h.level <= 3 && h.text !== "Contents");
    expect(toc).toEqual(sections.map(({ level, text, anchor }) => ({ level, text, anchor })));
  });

  it("shows real findings in its sample: each FAIL line is what the rules say about the demo data", () => {
    const messages = evaluateInventory(demoDataset()).map((f) => f.message);
    const sample = readme.slice(readme.indexOf("```text\n$ flow-audit"), readme.indexOf("## Contents"));
    const fails = [...sample.matchAll(/^ {2}FAIL {2}(.+)$/gm)].map((m) => m[1]);
    expect(fails.length).toBeGreaterThan(0);
    for (const line of fails) expect(messages, line).toContain(line);
  });

  it("says the package is not on the npm registry yet and how to install it meanwhile", () => {
    const install = section(readme, "## Install");
    expect(install).toMatch(/not on the npm registry yet/);
    expect(install).toContain("npm pack");
    expect(install).toContain(`npx --package /path/to/pulumi-flow-${pkg.version}.tgz flow-audit`);
    // Every tarball name in the docs is this version's.
    for (const file of ["README.md", ...docsPages().map((f) => `docs/${f}`)])
      for (const [name] of fs.readFileSync(path.join(repo, file), "utf8").matchAll(/pulumi-flow-\d+\.\d+\.\d+\.tgz/g))
        expect(name, file).toBe(`pulumi-flow-${pkg.version}.tgz`);
  });

  it("tells how to run pulumi yourself after the quickstart, with the command the integration test evaluates", () => {
    const quickstart = section(readme, "## Quickstart");
    expect(quickstart).toContain('eval "$(node tools/engine/bootstrap.mjs --env)"');
    expect(quickstart).toContain("pulumi stack init dev");
    expect(quickstart).toContain("docs/engine.md#running-pulumi-yourself");
  });

  it("links every page of docs/ (nothing moved out of the README is orphaned)", () => {
    const linked = new Set([...prose(readme).matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]));
    for (const page of docsPages()) expect(linked, `docs/${page}`).toContain(`docs/${page}`);
  });

  it("moved each former section to a page the README links, where it is a heading", () => {
    // Former README section → [page, heading there].
    const moved: Record<string, [string, string]> = {
      "Using it with your Flow tenant": ["README.md", "Connect to your Flow tenant"],
      "Flow integrations in your stack": ["docs/stack.md", "Flow integrations in your stack"],
      "The policy pack": ["docs/policy-pack.md", "The policy pack"],
      Rules: ["README.md", "Rules"],
      "Configuring the rules": ["docs/policy-file.md", "The policy file (`flow-policy.yaml`)"],
      "In CI": ["docs/ci.md", "The gate"],
      "flow-audit": ["docs/cli.md", "flow-audit"],
      "CI recipes": ["docs/ci.md", "CI recipes"],
      Troubleshooting: ["docs/troubleshooting.md", "Troubleshooting"],
      "The Flow API client": ["docs/api-client.md", "The Flow API client"],
      "The Flow simulator": ["docs/simulator.md", "The Flow simulator"],
      "The Pulumi engine": ["docs/engine.md", "The Pulumi engine"],
      Performance: ["docs/performance.md", "Performance"],
      "Supported versions": ["docs/supported-versions.md", "Supported versions"],
      Development: ["docs/development.md", "Development"],
      "Adding a rule": ["docs/development.md", "Adding a rule"],
    };
    for (const [former, [page, heading]] of Object.entries(moved)) {
      expect(
        headings(fs.readFileSync(path.join(repo, page), "utf8")).map((h) => h.text),
        `${former} → ${page}`,
      ).toContain(heading);
      if (page !== "README.md") expect(readme, `${former}: the README links ${page}`).toContain(`](${page}`);
    }
  });

  it("keeps the benchmark tables in docs/performance.md, where `npm run bench -- --update-docs` writes them", () => {
    expect(readme).not.toContain("<!-- bench:");
    const perf = fs.readFileSync(path.join(repo, "docs", "performance.md"), "utf8");
    expect(perf.indexOf("<!-- bench:start -->")).toBeGreaterThan(0);
    expect(perf.indexOf("<!-- bench:end -->")).toBeGreaterThan(perf.indexOf("<!-- bench:start -->"));
    const bench = fs.readFileSync(path.join(repo, "bench", "run.mjs"), "utf8");
    expect(bench).toContain('path.join(repo, "docs", "performance.md")');
    expect(bench).not.toContain('"README.md"');
  });

  it("uses GitHub's anchors for its own headings", () => {
    expect(anchorOf("As a gate: the policy pack")).toBe("as-a-gate-the-policy-pack");
    expect(anchorOf("The demo (`npm run demo`)")).toBe("the-demo-npm-run-demo");
    expect(anchorOf("Pulumi's policy config")).toBe("pulumis-policy-config");
  });
});
