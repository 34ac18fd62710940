import * as fs from "node:fs";
import * as path from "node:path";
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
    expect(engines).toBe(">=20.19 <21 || >=22");
    const ci = fs.readFileSync(path.join(repo, ".ci", "run"), "utf8");
    expect(ci).toContain("lines=${PULUMI_FLOW_CI_NODE_LINES-24 26}");
  });
});
