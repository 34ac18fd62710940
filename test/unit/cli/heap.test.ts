import { describe, expect, it } from "vitest";
import { youngGenerationFlag } from "../../../src/cli/heap";

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
