import * as vm from "node:vm";
import { describe, expect, it } from "vitest";
import { fullCollection, youngGenerationFlag } from "../../../src/cli/heap";

describe("flow-audit's young generation (heap.ts)", () => {
  it("keeps it at its initial size on the Node.js lines it was checked on", () => {
    for (const v of ["v20.19.0", "v22.12.0", "v24.22.3", "v26.12.1"]) expect(youngGenerationFlag(v, [], undefined)).toBe("--semi-space-growth-factor=1");
  });

  it("leaves the heap alone on other lines and when the user chose a semi-space setting", () => {
    expect(youngGenerationFlag("v18.20.0", [], undefined)).toBeUndefined();
    expect(youngGenerationFlag("v27.0.0", [], undefined)).toBeUndefined();
    expect(youngGenerationFlag("v22.12.0", ["--max-semi-space-size=32"], undefined)).toBeUndefined();
    expect(youngGenerationFlag("v22.12.0", [], "--max_semi_space_size=64 --enable-source-maps")).toBeUndefined();
    expect(youngGenerationFlag("v22.12.0", ["--enable-source-maps"], "--max-old-space-size=4096")).toBe("--semi-space-growth-factor=1");
  });
});

describe("flow-audit's full collection after the read (heap.ts)", () => {
  it("collects the garbage on this Node.js line without --expose-gc, and leaves gc unexposed", () => {
    const collect = fullCollection();
    expect(collect).toBeTypeOf("function");
    // ~40 MB of objects nobody holds: a full collection frees them.
    const garbage = () => Array.from({ length: 400_000 }, (_, i) => ({ i, s: `item ${i}` })).length;
    expect(garbage()).toBe(400_000);
    const before = process.memoryUsage().heapUsed;
    collect!();
    expect(before - process.memoryUsage().heapUsed).toBeGreaterThan(20 * 1024 * 1024);
    expect(vm.runInNewContext("typeof gc")).toBe("undefined");
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });

  it("does nothing on lines it was not checked on (unless node runs with --expose-gc)", () => {
    expect(fullCollection("v18.20.0")).toBeUndefined();
    expect(fullCollection("v27.0.0")).toBeUndefined();
  });
});
