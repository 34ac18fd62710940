import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/paths";
import { section } from "../../helpers/markdown";

// A TypeScript consumer of the packed tarball, without the Pulumi engine: a fresh project
// outside this repository, installed with the README's own install command, then type-checked
// by the TypeScript this repository builds with (package.json's pin) and by the newest
// TypeScript 6 (what npm installs beside @pulumi/pulumi today: the SDK's optional peer range
// is `<7`), under each module resolution docs/supported-versions.md names, with strict
// settings and the libraries' declarations checked (skipLibCheck off). The files are the
// adoption test's (test/e2e/fixtures/adopter), which also runs them against the real engine.
const run = promisify(execFile);
const fixture = path.join(repoRoot, "test", "e2e", "fixtures", "adopter");
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};

/** The README's install command for a project, e.g. `npm install /path/to/pulumi-flow-0.2.0.tgz @pulumi/pulumi @pulumi/policy`. */
function readmeInstallCommand(): string[] {
  const install = section(fs.readFileSync(path.join(repoRoot, "README.md"), "utf8"), "## Install");
  const line = install.split("\n").find((l) => l.startsWith("npm install "));
  if (!line) throw new Error("the README's Install section has no `npm install` line");
  return line.replace(/#.*$/, "").trim().split(/\s+/);
}

const STRICT = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, target: "ES2022", noEmit: true };
type Settings = { module: string; moduleResolution: string };
const NODE16: Settings = { module: "node16", moduleResolution: "node16" };
const NODENEXT: Settings = { module: "nodenext", moduleResolution: "nodenext" };
const BUNDLER: Settings = { module: "preserve", moduleResolution: "bundler" };
/** TypeScript 6 lets bundler resolution emit CommonJS (5.x requires module preserve or ES2015+). */
const BUNDLER_CJS: Settings = { module: "commonjs", moduleResolution: "bundler" };
/** What `pulumi new typescript` has written: node10 resolution, which sees the subpaths through typesVersions. */
const NODE10: Settings = { module: "commonjs", moduleResolution: "node" };

describe("a TypeScript consumer of the packed tarball, with the repository's TypeScript and with TypeScript 6", () => {
  let work: string;
  let dir: string;
  let ts6: string;
  const compilers: Record<string, string> = {};

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-consumer-"));
    const packed = await run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
    const tarball = path.join(work, packed.stdout.trim().split("\n").pop()!);
    expect(path.basename(tarball)).toBe(`pulumi-flow-${pkg.version}.tgz`);
    dir = path.join(work, "infra");
    fs.mkdirSync(dir);
    for (const file of ["entries.ts", "index.ts", "policy-entry.ts"]) fs.copyFileSync(path.join(fixture, file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
    const npm = async (args: string[]) =>
      run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    // The README's command as written, the tarball's path for its placeholder (no --legacy-peer-deps).
    const [cmd, ...args] = readmeInstallCommand();
    expect(cmd).toBe("npm");
    await npm(args.map((a) => (a.endsWith(`pulumi-flow-${pkg.version}.tgz`) ? tarball : a)));
    // Then TypeScript 6, as a project adds it; npm refuses it beside an SDK whose peer range excludes it.
    await npm(["install", "--save-dev", "typescript@^6", `@types/node@${pkg.devDependencies["@types/node"]}`]);
    ts6 = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "typescript", "package.json"), "utf8")).version;
    compilers[pkg.devDependencies.typescript] = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    compilers[ts6] = path.join(dir, "node_modules", "typescript", "bin", "tsc");
  }, 600_000);
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** tsc with these options over these files; "" when it passes, else its report. */
  async function tsc(version: string, files: string[], options: Record<string, unknown>): Promise<string> {
    const name = `tsconfig.${version}-${String(options.module)}-${String(options.moduleResolution)}-${files.length}.json`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ compilerOptions: options, files }));
    return run(process.execPath, [compilers[version]!, "-p", name], { cwd: dir, maxBuffer: 16 * 1024 * 1024 }).then(
      () => "",
      (e: { stdout?: string }) => `tsc ${version} ${JSON.stringify(options)} ${files.join(" ")} failed:\n${e.stdout ?? String(e)}`,
    );
  }

  /** The stack program and the entry points without @pulumi/policy with every declaration checked; pulumi-flow/policy with skipLibCheck (see docs/supported-versions.md). */
  async function expectClean(version: string, settings: Settings): Promise<void> {
    expect(await tsc(version, ["index.ts", "entries.ts"], { ...STRICT, ...settings, skipLibCheck: false })).toBe("");
    expect(await tsc(version, ["policy-entry.ts"], { ...STRICT, ...settings, skipLibCheck: true })).toBe("");
  }

  it("installs TypeScript 6 beside the SDK the README's command installs, and the repository builds with 5.9", () => {
    expect(ts6).toMatch(/^6\./);
    expect(pkg.devDependencies.typescript).toMatch(/^5\.9\.\d+$/);
  });

  it.each([
    ["node16", NODE16],
    ["nodenext", NODENEXT],
    ["bundler (module preserve)", BUNDLER],
    ["node (node10, through typesVersions)", NODE10],
  ])("type-checks with the repository's TypeScript, moduleResolution %s", async (_name, settings) => {
    await expectClean(pkg.devDependencies.typescript, settings);
  });

  it.each([
    ["node16", NODE16],
    ["nodenext", NODENEXT],
    ["bundler (module preserve)", BUNDLER],
    ["bundler (module commonjs)", BUNDLER_CJS],
  ])("type-checks with TypeScript 6, moduleResolution %s", async (_name, settings) => {
    await expectClean(ts6, settings);
  });

  it('is refused by TypeScript 6 under "moduleResolution": "node", as the docs say', async () => {
    const report = await tsc(ts6, ["entries.ts"], { ...STRICT, ...NODE10, skipLibCheck: false });
    expect(report).toMatch(/error TS5107: Option 'moduleResolution=node10' is deprecated/);
  });
});
