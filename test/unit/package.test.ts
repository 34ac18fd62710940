import * as fs from "node:fs";
import * as path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "..", "..");
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(repo, file), "utf8")) as Record<string, unknown>;

/** The fields npm copies from package.json into the lockfile's root entry. */
const ROOT_FIELDS = [
  "name",
  "version",
  "license",
  "dependencies",
  "devDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "optionalDependencies",
  "bin",
  "engines",
];

function expectInSync(dir: string) {
  const pkg = read(path.join(dir, "package.json"));
  const lock = read(path.join(dir, "package-lock.json"));
  const root = (lock.packages as Record<string, Record<string, unknown>>)[""];
  const picked = (o: Record<string, unknown>) => Object.fromEntries(ROOT_FIELDS.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const hint = `${dir}/package-lock.json is out of date with package.json: run \`npm install --package-lock-only\` in ${dir}`;
  expect(picked(root), hint).toEqual(picked(pkg));
  expect({ name: lock.name, version: lock.version }, hint).toEqual({ name: pkg.name, version: pkg.version });
}

describe("package manifests", () => {
  it("keep package-lock.json in sync with package.json (npm ci and pulumi install change nothing)", () => {
    expectInSync(".");
  });

  it("keep the policy pack's lockfile in sync too, so `pulumi install` in policies/ leaves no new file", () => {
    expectInSync("policies");
    expect(read("policies/package.json").version).toBe(read("package.json").version);
  });

  it("keep the component package's lockfile in sync and its version the package's, so the engine's `npm install` there changes nothing", () => {
    expectInSync("component");
    expect(read("component/package.json").version).toBe(read("package.json").version);
    expect(read("component/package.json").name).toBe("flow");
  });

  it("declare Node.js lines that include every line CI tests, without excluding an LTS line", () => {
    const engines = (read("package.json").engines as { node: string }).node;
    const accepts = (version: string) => semver.satisfies(version, engines);
    // The active and maintained LTS lines (20 from 20.19, where require(esm) is unflagged), and the current one.
    for (const v of ["20.19.0", "20.20.2", "22.0.0", "22.22.0", "24.0.0", "24.11.1", "26.0.0"]) expect(accepts(v), `${engines} accepts ${v}`).toBe(true);
    // Lines past their end of life, 20 before 20.19, and the odd line 21 (never LTS, ended before 20 did).
    for (const v of ["18.20.8", "19.9.0", "20.18.3", "21.7.3"]) expect(accepts(v), `${engines} refuses ${v}`).toBe(false);
    // CI runs the machine's Node.js, then the lines .ci/run names by default.
    expect(accepts(process.versions.node), `${engines} accepts this Node.js, ${process.versions.node}`).toBe(true);
    const ci = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
    const lines = /^lines=\$\{PULUMI_FLOW_CI_NODE_LINES-([^}]*)\}$/m.exec(ci)?.[1].split(/\s+/).filter(Boolean) ?? [];
    expect(lines.length, ".ci/run names the Node.js lines it tests (lines=${PULUMI_FLOW_CI_NODE_LINES-…})").toBeGreaterThan(0);
    for (const major of lines) expect(accepts(`${major}.0.0`), `${engines} accepts CI's Node.js ${major}`).toBe(true);
  });
});
