import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Keeps ARCHITECTURE.md true: which room may import which (arrows only point down), which
// packages only their adapter may load, and no function over 80 lines outside generated code.
const repo = path.resolve(__dirname, "..", "..");
const src = path.join(repo, "src");

/** Rooms of src/ and the rooms each may import (its own room always). */
export const ALLOWED: Record<string, string[]> = {
  api: [],
  inventory: ["api"],
  rules: ["inventory", "api"],
  config: ["rules", "inventory", "api"],
  docs: ["config", "rules", "inventory", "api"],
  simulator: ["api"],
  pulumi: ["inventory", "api"],
  policy: ["config", "rules", "inventory", "api", "pulumi/type.ts", "pulumi/sdk-patch.ts"],
  cli: ["config", "rules", "inventory", "api"],
  "index.ts": ["api", "inventory", "rules", "config", "pulumi", "entries/rules.ts"],
  entries: ["api", "inventory", "rules", "config", "simulator", "pulumi/type.ts", "policy"],
};

/** Packages only one room may load. */
const PACKAGE_OWNERS: Record<string, string[]> = {
  "@pulumi/pulumi": ["pulumi"],
  "@pulumi/policy": ["policy"],
  yaml: ["config", "api"],
  undici: ["api", "cli"],
  "openapi-fetch": ["api"],
};

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

/** The room of a file under src/: its first folder, or the file itself at the top. */
function roomOf(file: string): string {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length === 1 ? rel[0] : rel[0];
}

/** Every module a file names: static imports, re-exports, require() and import(). */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g)) out.push(m[1]);
  for (const m of text.matchAll(/(?:require|import)\(\s*"([^"]+)"\s*\)/g)) out.push(m[1]);
  return out;
}

/** The violations of the dependency rules among `imports` (file → specifiers). */
export function violations(imports: Array<{ file: string; specifier: string }>): string[] {
  const out: string[] = [];
  for (const { file, specifier } of imports) {
    const from = roomOf(file);
    if (specifier.startsWith(".")) {
      const target = path.resolve(path.dirname(file), specifier);
      const rel = path.relative(src, target);
      if (rel.startsWith("..")) {
        if (!rel.startsWith(`..${path.sep}package.json`)) out.push(`${path.relative(repo, file)} imports ${specifier}, outside src/`);
        continue;
      }
      const parts = rel.split(path.sep);
      const toFile = parts.join("/") + (path.extname(rel) ? "" : ".ts");
      const to = parts.length === 1 ? toFile : parts[0];
      if (to === from) continue;
      if (!ALLOWED[from]?.some((a) => a === to || a === toFile))
        out.push(`${path.relative(repo, file)} (${from}) imports ${specifier} (${to}), against the allowed direction`);
    } else {
      const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
      const owners = PACKAGE_OWNERS[pkg];
      if (owners && !owners.includes(from)) out.push(`${path.relative(repo, file)} (${from}) loads ${pkg}, which only ${owners.join(", ")} may load`);
      if (pkg === "pulumi-flow" && specifier !== "pulumi-flow/provider") out.push(`${path.relative(repo, file)} loads ${specifier} by package name`);
    }
  }
  return out;
}

describe("architecture (ARCHITECTURE.md)", () => {
  const files = walk(src).filter((f) => !f.endsWith(".d.ts"));
  const imports = files.flatMap((file) => specifiers(fs.readFileSync(file, "utf8")).map((specifier) => ({ file, specifier })));

  it("has every file of src/ in a known room", () => {
    expect(files.map(roomOf).filter((r) => !(r in ALLOWED))).toEqual([]);
  });

  it("imports only in the allowed directions, and loads adapter packages only in their adapter", () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(violations(imports)).toEqual([]);
  });

  it("notices an import against the allowed direction (the check can fail)", () => {
    const bad = [
      { file: path.join(src, "rules", "x.ts"), specifier: "../pulumi/integration" },
      { file: path.join(src, "api", "x.ts"), specifier: "../rules/index" },
      { file: path.join(src, "cli", "x.ts"), specifier: "@pulumi/pulumi" },
      { file: path.join(src, "policy", "x.ts"), specifier: "../pulumi/integration" },
    ];
    expect(violations(bad)).toHaveLength(4);
    expect(violations([{ file: path.join(src, "policy", "x.ts"), specifier: "../pulumi/type" }])).toEqual([]);
  });

  it("has no function longer than 80 lines outside generated code", () => {
    const long: string[] = [];
    for (const file of files.filter((f) => !f.endsWith("schema.ts"))) {
      const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node) => {
        if (ts.isFunctionLike(n) && "body" in n && n.body) {
          const lines = sf.getLineAndCharacterOfPosition(n.getEnd()).line - sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
          if (lines > 80) long.push(`${path.relative(repo, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} (${lines} lines)`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it("keeps unit tests free of child processes and integration tests free of the engine", () => {
    const testFiles = (dir: string) => walk(path.join(repo, "test", dir)).filter((f) => f.endsWith(".test.ts") && f !== __filename);
    const offenders = (files: string[], pattern: RegExp) => files.filter((f) => pattern.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(repo, f));
    expect(offenders(testFiles("unit"), /node:child_process|helpers\/cli|helpers\/pulumi|PulumiSandbox/)).toEqual([]);
    expect(offenders(testFiles("integration"), /helpers\/pulumi|PulumiSandbox/)).toEqual([]);
  });
});
