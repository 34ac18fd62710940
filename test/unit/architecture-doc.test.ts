import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../src/rules/index";

const root = path.join(__dirname, "..", "..");
const doc = fs.readFileSync(path.join(root, "ARCHITECTURE.md"), "utf8");

/** Every file under src/, as a path relative to the repository. */
function files(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    return e.isDirectory() ? files(p) : [p];
  });
}

/** The text of the folder table's row for `folder` (e.g. "src/pulumi/"), or undefined. */
function row(folder: string): string | undefined {
  return doc.split("\n").find((l) => l.startsWith(`| \`${folder}\``));
}

/** Whether ARCHITECTURE.md names a file: its own row, or in its top folder's row by its path there or a folder of it. */
function named(file: string): boolean {
  if (row(file)) return true;
  const [, top, ...rest] = file.split("/");
  if (rest.length === 0) return false;
  const text = row(`src/${top}/`);
  if (!text) return false;
  const relative = rest.join("/");
  const prefixes = rest.slice(0, -1).map((_, i) => `${rest.slice(0, i + 1).join("/")}/`);
  if ([relative, ...prefixes].some((p) => text.includes(`\`${p}\``))) return true;
  // src/rules/: "one file per rule", each named after its rule's id.
  return top === "rules" && rules.some((r) => r.id.endsWith(`-${path.basename(relative, ".ts")}`));
}

describe("ARCHITECTURE.md", () => {
  it("names every folder and file under src/ (in its folder's row, by path or by a folder of it)", () => {
    expect(files("src").filter((f) => !named(f))).toEqual([]);
  });
});
