import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { section } from "../../helpers/markdown";

// Every install command and version pin of pulumi-flow that the README, docs/ and examples/
// show (CHANGELOG.md excepted: it records what was true) is one that works today: the package
// is not on the npm registry, so it is installed from its tarball (the README's command, which
// test/integration/consumer/typescript.test.ts runs as written) or a file: path, never by its
// bare name or a git URL; a version it names is this package.json's; a tsconfig it shows uses
// a moduleResolution TypeScript 6 accepts.
const repo = path.resolve(__dirname, "..", "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { name: string; version: string };

/** README.md, docs/*.md and every text file under examples/, relative to the repository. */
function files(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
  const docs = fs
    .readdirSync(path.join(repo, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return ["README.md", ...docs, ...walk("examples").filter((f) => /\.(md|json|ya?ml|ts|js|mjs|cjs|sh)$/.test(f))];
}
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");

/** Whether `version` satisfies `range`: exact, ^, ~, >=, or a `||` of those; anything else is not understood (throws). */
function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => {
    const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
    if (!m) throw new Error(`not a plain version: ${v}`);
    return [Number(m[1]), Number(m[2]), Number(m[3])] as const;
  };
  const cmp = (a: readonly number[], b: readonly number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const v = parse(version);
  return range.split("||").some((part) => {
    const p = part.trim();
    if (p.startsWith("^")) {
      const lo = parse(p.slice(1));
      // ^0.2.3 is >=0.2.3 <0.3.0; ^0.0.3 is exactly 0.0.3; ^1.2.3 is >=1.2.3 <2.0.0.
      const hi = lo[0] > 0 ? [lo[0] + 1, 0, 0] : lo[1] > 0 ? [0, lo[1] + 1, 0] : [0, 0, lo[2] + 1];
      return cmp(v, lo) >= 0 && cmp(v, hi) < 0;
    }
    if (p.startsWith("~")) {
      const lo = parse(p.slice(1));
      return cmp(v, lo) >= 0 && cmp(v, [lo[0], lo[1] + 1, 0]) < 0;
    }
    if (p.startsWith(">=")) return cmp(v, parse(p.slice(2))) >= 0;
    return cmp(v, parse(p)) === 0;
  });
}

/** The arguments of each package-manager command in a text: `npm install …`, `npx --package …`, `yarn add …`, `pnpm add …`. */
function installCommands(text: string): { command: string; args: string[] }[] {
  const found: { command: string; args: string[] }[] = [];
  for (const m of text.matchAll(/\b(npm\s+(?:install|i|add)|yarn\s+add|pnpm\s+(?:add|install|i)|npx)\b([^\n`#;&|)]*)/g)) {
    found.push({ command: m[1]!.replace(/\s+/g, " "), args: m[2]!.trim().split(/\s+/).filter(Boolean) });
  }
  return found;
}

const TARBALL = /pulumi-flow-(\d+\.\d+\.\d+)\.tgz/g;

describe("install commands and version pins in the README, docs/ and examples/", () => {
  it("never install pulumi-flow from the registry by name, nor from a git URL", () => {
    const problems: string[] = [];
    for (const file of files()) {
      for (const { command, args } of installCommands(read(file))) {
        for (const arg of args) {
          if (/^pulumi-flow(@.*)?$/.test(arg))
            problems.push(`${file}: \`${command} … ${arg}\` installs from the npm registry, which does not have pulumi-flow`);
          if (/^(git\+|git:|github:|https?:\/\/github\.com\/)/.test(arg) && /pulumi-flow/.test(arg))
            problems.push(`${file}: \`${command} ${arg}\`: a git URL install has no dist/ (README, Install)`);
        }
      }
      // Prose too: the bare command, quoted as a command, is what people copy.
      for (const m of read(file).matchAll(/`(npm (?:install|i) pulumi-flow)\b[^`]*`/g)) problems.push(`${file}: \`${m[1]}\``);
    }
    expect(problems).toEqual([]);
  });

  it("install the tarball with the README's command (which the consumer test runs), or a subset of its packages", () => {
    const readmeLine = section(read("README.md"), "## Install")
      .split("\n")
      .find((l) => l.startsWith("npm install "));
    expect(readmeLine).toBeDefined();
    const readmeArgs = readmeLine!.replace(/#.*$/, "").trim().split(/\s+/).slice(2);
    expect(readmeArgs[0]).toBe(`/path/to/pulumi-flow-${pkg.version}.tgz`);
    const others = new Set(readmeArgs.slice(1));
    let tarballInstalls = 0;
    for (const file of files())
      for (const { command, args } of installCommands(read(file))) {
        if (command !== "npm install" || !args.some((a) => /pulumi-flow-[^/\s]*\.tgz$/.test(a))) continue;
        tarballInstalls++;
        for (const arg of args.filter((a) => !a.startsWith("-") && !a.endsWith(".tgz")))
          expect(others, `${file}: npm install ${args.join(" ")} adds ${arg}, which the README's command (the tested one) does not`).toContain(arg);
      }
    expect(tarballInstalls).toBeGreaterThanOrEqual(3); // README, docs/stack.md, examples/README.md, ...
  });

  it("name this version's tarball everywhere", () => {
    for (const file of files()) for (const m of read(file).matchAll(TARBALL)) expect(m[0], file).toBe(`pulumi-flow-${pkg.version}.tgz`);
  });

  it("pin pulumi-flow in package.json files to this package: a file: path to it, or a range its version satisfies", () => {
    const manifests = files().filter((f) => path.basename(f) === "package.json");
    expect(manifests).toContain("examples/existing-stack/package.json");
    for (const file of manifests) {
      const manifest = JSON.parse(read(file)) as Record<string, Record<string, string> | undefined>;
      for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
        const spec = manifest[field]?.[pkg.name];
        if (spec === undefined) continue;
        if (spec.startsWith("file:")) {
          const target = path.resolve(path.dirname(path.join(repo, file)), spec.slice("file:".length));
          if (target.endsWith(".tgz")) expect(path.basename(target), `${file} ${field}`).toBe(`pulumi-flow-${pkg.version}.tgz`);
          else expect(path.relative(repo, target), `${file} ${field}: ${spec} is not this repository`).toBe("");
        } else expect(satisfies(pkg.version, spec), `${file} ${field}: ${spec} does not admit ${pkg.version}`).toBe(true);
      }
    }
  });

  it('name only versions of pulumi-flow that this package satisfies in text (pulumi-flow@…, "pulumi-flow": "…")', () => {
    for (const file of files().filter((f) => path.basename(f) !== "package.json")) {
      const text = read(file);
      for (const m of text.matchAll(/\bpulumi-flow@([\^~>=<\d][^\s`'")]*)/g)) expect(satisfies(pkg.version, m[1]!), `${file}: ${m[0]}`).toBe(true);
      for (const m of text.matchAll(/"pulumi-flow":\s*"([^"]+)"/g))
        if (!m[1]!.startsWith("file:")) expect(satisfies(pkg.version, m[1]!), `${file}: ${m[0]}`).toBe(true);
    }
  });

  it("show tsconfigs whose moduleResolution TypeScript 6 accepts (node16, nodenext, bundler; it rejects node/node10 and classic)", () => {
    const settings: { where: string; value: string }[] = [];
    for (const file of files()) {
      const text = read(file);
      // tsconfig files under examples/, and JSON code blocks in the Markdown.
      const json = /tsconfig[^/]*\.json$/.test(file)
        ? [text]
        : file.endsWith(".md")
          ? [...text.matchAll(/^```jsonc?\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
          : [];
      for (const block of json) for (const m of block.matchAll(/"moduleResolution"\s*:\s*"([^"]*)"/g)) settings.push({ where: file, value: m[1]! });
    }
    expect(settings.map((s) => s.where)).toContain("examples/existing-stack/tsconfig.json");
    for (const { where, value } of settings)
      expect(["node16", "nodenext", "bundler"], `${where}: "moduleResolution": "${value}"`).toContain(value.toLowerCase());
  });

  it("checks versions precisely", () => {
    expect(satisfies("0.2.0", "^0.2.0")).toBe(true);
    expect(satisfies("0.2.0", "^0.1.0")).toBe(false);
    expect(satisfies("0.2.5", "~0.2.0")).toBe(true);
    expect(satisfies("1.4.0", "^1.2.3")).toBe(true);
    expect(satisfies("2.0.0", "^1.2.3")).toBe(false);
    expect(satisfies("0.0.4", "^0.0.3")).toBe(false);
    expect(satisfies("0.2.0", ">=0.1.0")).toBe(true);
    expect(satisfies("0.2.0", "0.1.0 || ^0.2.0")).toBe(true);
    expect(() => satisfies("0.2.0", "latest")).toThrow(/not a plain version/);
  });
});
