import { describe, expect, it } from "vitest";
import { processingHealthy } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

describe("flow-integration-processing-healthy", () => {
  it("accepts the published example's UNPROCESSED (not a failure state)", () => {
    const f = run(processingHealthy, { integration: published() });
    expect(f.status).toBe("ok");
    expect(f.message).toContain("has processing status 'UNPROCESSED'");
  });
  it("flags a failure state, case-insensitively", () => {
    expect(run(processingHealthy, healthy({ processing_status: "FAILED" })).status).toBe("violation");
    expect(run(processingHealthy, healthy({ processing_status: "error" })).status).toBe("violation");
  });
  it("uses configured failure states", () => {
    expect(run(processingHealthy, healthy({ processing_status: "STALLED" }), { failureStatuses: ["STALLED"] }).status).toBe("violation");
    expect(run(processingHealthy, healthy({ processing_status: "PROCESSING" })).status).toBe("ok");
  });
  it("is not applicable without a processing status", () => {
    expect(run(processingHealthy, healthy({ processing_status: null })).status).toBe("not-applicable");
  });
});
