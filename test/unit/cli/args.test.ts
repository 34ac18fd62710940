import { describe, expect, it } from "vitest";
import { parseAuditArgs, UsageError } from "../../../src/cli/args";

describe("flow-audit's run deadline (--deadline, and its old name --timeout)", () => {
  it("is --deadline SECONDS, in ms", () => {
    expect(parseAuditArgs(["--deadline", "5"]).deadlineMs).toBe(5000);
    expect(parseAuditArgs([]).deadlineMs).toBeUndefined();
  });

  it("still takes --timeout SECONDS, the same setting, beside the per-request --timeout-ms", () => {
    const args = parseAuditArgs(["--timeout", "7", "--timeout-ms", "1500"]);
    expect(args.deadlineMs).toBe(7000);
    expect(args.timeoutMs).toBe(1500);
    expect(parseAuditArgs(["--timeout", "7", "--deadline", "7"]).deadlineMs).toBe(7000);
  });

  it("refuses both names with different values, and a value that is not a positive integer", () => {
    expect(() => parseAuditArgs(["--timeout", "7", "--deadline", "8"])).toThrow(UsageError);
    expect(() => parseAuditArgs(["--timeout", "7", "--deadline", "8"])).toThrow(/--deadline 8 and --timeout 7 disagree/);
    expect(() => parseAuditArgs(["--deadline", "0"])).toThrow(/--deadline must be a positive integer, got "0"/);
  });
});
