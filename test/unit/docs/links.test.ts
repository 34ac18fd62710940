import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { headings, relativeLinks } from "../../helpers/markdown";

// Every relative link in the README, ARCHITECTURE.md and docs/ resolves: the file exists, and
// an anchor into a Markdown page names one of its headings.
const repo = path.resolve(__dirname, "..", "..", "..");
const pages = [
  "README.md",
  "ARCHITECTURE.md",
  "CHANGELOG.md",
  "examples/README.md",
  "bench/README.md",
  "policies/README.md",
  ...fs
    .readdirSync(path.join(repo, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
const anchors = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  if (!anchors.has(file)) anchors.set(file, new Set(headings(fs.readFileSync(path.join(repo, file), "utf8")).map((h) => h.anchor)));
  return anchors.get(file)!;
}

describe("links in the documentation", () => {
  it.each(pages)("%s links only to files and headings that exist", (page) => {
    const broken: string[] = [];
    for (const link of relativeLinks(repo, page)) {
      if (!fs.existsSync(path.join(repo, link.target))) broken.push(`${link.text} (no ${link.target})`);
      else if (link.anchor && link.target.endsWith(".md") && !anchorsOf(link.target).has(link.anchor)) broken.push(`${link.text} (no heading #${link.anchor})`);
    }
    expect(broken).toEqual([]);
  });

  it("notices a broken link (the check can fail)", () => {
    fs.mkdirSync(path.join(repo, ".test-results"), { recursive: true }); // absent in a fresh clone
    const dir = fs.mkdtempSync(path.join(repo, ".test-results", "links-"));
    try {
      const rel = path.relative(repo, dir);
      fs.writeFileSync(path.join(dir, "page.md"), "# Page\n\n[a](missing.md) [b](page.md#nowhere) [c](page.md#page)\n");
      const links = relativeLinks(repo, `${rel}/page.md`);
      expect(links.map((l) => [fs.existsSync(path.join(repo, l.target)), l.anchor ? anchorsOf(l.target).has(l.anchor) : true])).toEqual([
        [false, true],
        [true, false],
        [true, true],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
