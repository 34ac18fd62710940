import { describe, expect, it } from "vitest";
import { bounded, boundedValue, DISPLAY_MAX, needsBounding } from "../../../src/api/display";

describe("bounded: a server string as people see it", () => {
  it("keeps a string of at most the bound, and cuts a longer one to the bound with the ellipsis last", () => {
    expect(bounded("GitHub Mobile")).toBe("GitHub Mobile");
    expect(bounded("x".repeat(DISPLAY_MAX))).toBe("x".repeat(DISPLAY_MAX));
    expect(bounded("x".repeat(DISPLAY_MAX + 1))).toBe(`${"x".repeat(DISPLAY_MAX - 1)}…`);
    expect(bounded("abcdef", 4)).toBe("abc…");
  });

  it("never splits a surrogate pair: the cut moves before it", () => {
    const cut = bounded(`${"a".repeat(DISPLAY_MAX - 2)}😀${"b".repeat(10)}`);
    expect(cut).toBe(`${"a".repeat(DISPLAY_MAX - 2)}…`);
    expect(bounded(`ab😀cd`, 4)).toBe("ab…");
    expect(bounded(`a😀cd`, 4)).toBe("a😀…");
  });

  it("changes nothing more when applied twice", () => {
    const once = bounded("y".repeat(5000));
    expect(bounded(once)).toBe(once);
  });

  it("takes a 100 MB string in one slice (no scan, no recursion)", () => {
    const huge = "z".repeat(100 * 1024 * 1024);
    expect(bounded(huge)).toHaveLength(DISPLAY_MAX);
  });
});

describe("boundedValue: evidence with every string bounded", () => {
  it("bounds strings and keys at any depth and keeps the shape and other values", () => {
    const long = "v".repeat(1000);
    const value = { [long]: [long, 1, true, null, { deep: long }], short: "ok" };
    const out = boundedValue(value) as Record<string, unknown>;
    const key = bounded(long);
    expect(Object.keys(out)).toEqual([key, "short"]);
    expect(out[key]).toEqual([key, 1, true, null, { deep: key }]);
    expect(needsBounding(value)).toBe(true);
    expect(needsBounding({ a: ["b", 1, { c: null }] })).toBe(false);
  });
});
