// Reading the repository's Markdown in docs tests: sections by heading, links, headings.
import * as fs from "node:fs";
import * as path from "node:path";

/** The page with the contents of fenced code blocks blanked out (same length, so offsets still match). */
function masked(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, (block) => block.replace(/[^\n]/g, " "));
}

/** A Markdown section: from its heading line to the next heading of the same or a higher level (code blocks do not count). */
export function section(markdown: string, heading: string): string {
  const text = masked(markdown);
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const body = start + heading.length + 2;
  const next = text.slice(body).search(new RegExp(`^#{1,${level}} `, "m"));
  return next < 0 ? markdown.slice(start) : markdown.slice(start, body + next);
}

/** The text outside fenced code blocks (links and headings in code are not links or headings). */
export function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** The headings of a page (outside code blocks), with their level and GitHub anchor. */
export function headings(markdown: string): Array<{ level: number; text: string; anchor: string }> {
  return [...prose(markdown).matchAll(/^(#{1,6}) (.+)$/gm)].map((m) => ({ level: m[1].length, text: m[2], anchor: anchorOf(m[2]) }));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Relative links of a page (outside code blocks): target file (resolved from `file`'s folder, or `file` itself) and anchor. */
export function relativeLinks(repo: string, file: string): Array<{ text: string; target: string; anchor?: string }> {
  const text = prose(fs.readFileSync(path.join(repo, file), "utf8"));
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((href) => !/^[a-z]+:/i.test(href))
    .map((href) => {
      const [target, anchor] = href.split("#");
      return { text: href, target: target ? path.relative(repo, path.resolve(repo, path.dirname(file), target)) : file, anchor };
    });
}
