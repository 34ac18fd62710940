import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { USAGE } from "../../src/cli/args";

const repo = path.resolve(__dirname, "..", "..");
const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));

describe("README", () => {
  it("gives the two set-up commands that CI and the demo test run", () => {
    const quickstart = readme.slice(readme.indexOf("## Quickstart"), readme.indexOf("## Using it with your Flow tenant"));
    expect(quickstart).toContain("npm ci && npm run demo");
    expect(quickstart).toContain("npm ci && npm test");
    const ci = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm ci /m);
    // The machine's Node.js line and each other line run the same README command.
    expect(ci.match(/^\s*npm test\b/gm)).toHaveLength(2);
    expect(pkg.scripts.demo).toMatch(/node scripts\/demo\.mjs$/);
    expect(pkg.scripts.test).toMatch(/vitest run$/);
  });

  it("documents every flow-audit option", () => {
    const section = readme.slice(readme.indexOf("## flow-audit"), readme.indexOf("## CI recipes"));
    for (const flag of USAGE.match(/--[a-z-]+/g) ?? []) {
      if (flag === "--help" || flag === "--version") continue;
      expect(section, flag).toContain(flag);
    }
  });

  it("links only to files that exist", () => {
    for (const [, target] of readme.matchAll(/\]\(((?:docs|examples|src|policies|bench)\/[^)#]*)/g)) {
      expect(fs.existsSync(path.join(repo, target)), target).toBe(true);
    }
  });
});
