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
    // The machine's Node.js line runs the README command; each other line runs the same steps but
    // the checks of the files themselves (lint, format, spec lint), whose result no Node.js line changes.
    expect(ci.match(/^\s*npm test\b/gm)).toHaveLength(1);
    expect(ci).toMatch(/^\s*npm run test:node-line$/m);
    const fileChecks = ["npm run lint", "npm run format:check", "npm run lint:spec"];
    const steps = (script: string) => script.split(" && ");
    expect(fileChecks.every((c) => steps(pkg.scripts.test).includes(c))).toBe(true);
    expect(steps(pkg.scripts["test:node-line"])).toEqual(steps(pkg.scripts.test).filter((s) => !fileChecks.includes(s)));
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

  it("lists every page of docs/ in its Documentation section, each a page with one title to land on", () => {
    // What moved out of the README must stay findable from it: one list, every page, each page titled once.
    const listed = new Set([...section(readme, "## Documentation").matchAll(/\]\((docs\/[^)#]+\.md)\)/g)].map((m) => m[1]));
    expect([...listed].sort()).toEqual(
      docsPages()
        .map((f) => `docs/${f}`)
        .sort(),
    );
    for (const page of listed) {
      const text = fs.readFileSync(path.join(repo, page), "utf8");
      expect(
        headings(text).filter((h) => h.level === 1),
        `${page}: one "# " title`,
      ).toHaveLength(1);
      expect(text.startsWith("# "), `${page} opens with its title`).toBe(true);
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
