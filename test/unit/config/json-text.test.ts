import { describe, expect, it } from "vitest";
import { countMembers, lineColumn, memberCount, scanJson } from "../../../src/config/json-text";

describe("positions in JSON text (src/config/json-text.ts)", () => {
  it("gives 1-based lines and columns", () => {
    const text = '{\n  "a": 1,\n  "b": [true]\n}';
    expect(lineColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn(text, text.indexOf('"b"'))).toEqual({ line: 3, column: 3 });
    expect(lineColumn(text, text.length)).toEqual({ line: 4, column: 2 });
  });

  it("finds the value or the key at a JSON path", () => {
    const text = '{"kind": "x", "entries": [ {"rule": "r", "n": 3}, {"rule" : "s"} ]}';
    expect(scanJson(text, { path: [] }).found).toBe(0);
    expect(scanJson(text, { path: ["kind"] }).found).toBe(text.indexOf('"x"'));
    expect(scanJson(text, { path: ["entries", 1] }).found).toBe(text.indexOf('{"rule" : "s"}'));
    expect(scanJson(text, { path: ["entries", 1, "rule"] }).found).toBe(text.indexOf('"s"'));
    expect(scanJson(text, { path: ["entries", 0, "n"], key: true }).found).toBe(text.indexOf('"n"'));
    expect(scanJson(text, { path: ["missing"] }).found).toBeUndefined();
  });

  it("finds the first syntax error where JSON.parse would fail", () => {
    for (const [text, offset] of [
      ["{ not json", 2],
      ['{"a": 1,}', 8],
      ['{"a" 1}', 5],
      ["[1, 2", 5],
      ['{"a": tru}', 6],
      ['{"a": "x\ny"}', 6],
      ["[1] 2", 4],
      ["", 0],
    ] as const) {
      expect(() => JSON.parse(text)).toThrow();
      expect(scanJson(text).error?.offset, text).toBe(offset);
    }
    expect(scanJson('{"a": [1, -2.5e3, "\\u00e9\\n", null, false, {}]}')).toEqual({});
  });

  it("finds a repeated key, with its path", () => {
    const text = '{"a": {"b": 1, "c": 2, "b": 3}}';
    expect(scanJson(text).duplicate).toEqual({ offset: text.lastIndexOf('"b"'), key: "b", path: ["a", "b"] });
    expect(memberCount(text)).toBe(4);
    expect(countMembers(JSON.parse(text))).toBe(3);
    expect(memberCount('{"a:b": ":", "c": [{"d": 1}]}')).toBe(3);
  });

  it("walks any nesting without recursion", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(scanJson(deep)).toEqual({});
    expect(scanJson(deep.slice(0, -1)).error?.offset).toBe(deep.length - 1);
  });
});
