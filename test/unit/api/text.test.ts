import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { count, plural } from "../../../src/api/text";
import { count as fromTerminal } from "../../../src/cli/terminal";

describe("counts in words (src/api/text.ts)", () => {
  it("uses the singular for exactly one, the plural otherwise", () => {
    expect([0, 1, 2, 12].map((n) => count(n, "integration"))).toEqual(["0 integrations", "1 integration", "2 integrations", "12 integrations"]);
    expect([1, 2].map((n) => count(n, "violation"))).toEqual(["1 violation", "2 violations"]);
    expect(count(1.5, "day")).toBe("1.5 days");
    expect(count(1, "connection status", "connection statuses")).toBe("1 connection status");
    expect(count(3, "connection status", "connection statuses")).toBe("3 connection statuses");
  });

  it("gives the word alone for phrases where the number is elsewhere", () => {
    expect(plural(1, "integration")).toBe("integration");
    expect(plural(2, "integration")).toBe("integrations");
    expect(plural(1, "is an error", "are errors")).toBe("is an error");
    expect(plural(0, "this vendor", "these vendors")).toBe("these vendors");
  });

  it("is the one helper flow-audit and the demo use (re-exported by src/cli/terminal.ts)", () => {
    expect(fromTerminal).toBe(count);
  });

  it("is used instead of ad-hoc plural ternaries anywhere in src/", () => {
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    // e.g. `${n === 1 ? "" : "s"}`, `integration${n > 1 ? "s" : ""}`, `n > 1 ? "them" : "it"`
    const adHoc = /(===|!==|>|<=?)\s*1\s*\?\s*"[^"]*"\s*:\s*"[^"]*"/;
    const src = path.resolve(__dirname, "..", "..", "..", "src");
    const offenders = walk(src)
      .filter((f) => !f.endsWith(path.join("api", "schema.ts")))
      .flatMap((f) =>
        fs
          .readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${path.relative(src, f)}:${i + 1}` }))
          .filter(({ line }) => adHoc.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
