import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BaselineError, formatBaseline, MAX_BASELINE_BYTES, parseBaseline, readBaseline } from "../../../src/config/baseline-file";
import { parsePolicy, PolicyFileError } from "../../../src/config/policy-file";
import type { Baseline } from "../../../src/rules/baseline";

const SAMPLE: Baseline = {
  file: "flow-baseline.json",
  createdAt: "2026-06-15T12:00:00.000Z",
  expires: "2026-07-31",
  entries: [
    { rule: "flow-integration-connected", integration: 3, fingerprint: "0123456789abcdef" },
    { rule: "flow-required-vendors-present", subject: "vendor gitlab", fingerprint: "fedcba9876543210" },
  ],
};

const problem = (text: string) => {
  try {
    parseBaseline(text, "b.json");
  } catch (e) {
    return (e as BaselineError).message;
  }
  return "parsed";
};

describe("the baseline file (src/config/baseline-file.ts)", () => {
  it("round-trips, one entry per line, and reads an empty baseline", () => {
    const text = formatBaseline(SAMPLE);
    expect(parseBaseline(text, SAMPLE.file)).toEqual(SAMPLE);
    expect(text.split("\n").filter((l) => l.includes('"fingerprint"'))).toHaveLength(2);
    expect(parseBaseline(formatBaseline({ ...SAMPLE, entries: [] }), "e.json").entries).toEqual([]);
  });

  it("names the file, line, column and JSON path of what is wrong", () => {
    const text = formatBaseline(SAMPLE);
    expect(problem(text.replace("0123456789abcdef", "xyz"))).toBe("b.json:7:72: $.entries[0].fingerprint must be 16 hex digits");
    expect(problem(text.replace('"integration":3', '"integration":-3'))).toMatch(/^b\.json:7:\d+: \$\.entries\[0\]\.integration must be an integration id$/);
    expect(problem(text.replace('"expires": "2026-07-31"', '"expires": "2026-02-30"'))).toBe("b.json:5:14: $.expires must be a date, YYYY-MM-DD");
    expect(problem(text.replace('"subject":"vendor gitlab",', ""))).toMatch(
      /^b\.json:8:\d+: \$\.entries\[1\] must have exactly one of integration and subject$/,
    );
    expect(problem(text.replace('"rule":"flow-integration-connected",', '"rule":"flow-integration-connected","name":"x",'))).toMatch(
      /\$\.entries\[0\]: unknown key 'name'$/,
    );
    expect(problem(text.replace("pulumi-flow/baseline", "something-else"))).toMatch(/^b\.json:2:11: not a pulumi-flow baseline/);
    expect(problem("{ not json")).toMatch(/^b\.json:1:\d+: not valid JSON/);
    const twice = formatBaseline({ ...SAMPLE, entries: [SAMPLE.entries[0], SAMPLE.entries[0]] });
    expect(problem(twice)).toMatch(/^b\.json:8:\d+: \$\.entries\[1\] repeats an earlier entry for flow-integration-connected and 3$/);
  });

  it("a missing file is an error naming it", () => {
    expect(() => readBaseline("/nonexistent/flow-baseline.json", "flow-baseline.json")).toThrow("flow-baseline.json:1:1: cannot read the baseline (ENOENT)");
  });

  it("a policy file's baseline: is read relative to the policy file; a missing one is an error at that line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "baseline-file-"));
    try {
      fs.mkdirSync(path.join(dir, "gate"));
      fs.writeFileSync(path.join(dir, "gate", "known.json"), formatBaseline(SAMPLE));
      const policyFile = path.join(dir, "gate", "flow-policy.yaml");
      const policy = parsePolicy("version: 1\nbaseline: known.json\n", policyFile);
      expect(policy.baseline?.entries).toEqual(SAMPLE.entries);
      expect(policy.baseline?.file).toBe("known.json");
      const sha256 = (b: string | Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
      expect(policy.digest).toBe(sha256("version: 1\nbaseline: known.json\n"));
      // The baseline's digest is of its bytes, computed as the policy file's (contentDigest), for reports to record beside it.
      expect(policy.baseline?.digest).toBe(sha256(fs.readFileSync(path.join(dir, "gate", "known.json"))));
      expect(readBaseline(path.join(dir, "gate", "known.json")).digest).toBe(policy.baseline?.digest);
      expect(parseBaseline(formatBaseline(SAMPLE), "known.json").digest).toBeUndefined();
      expect(() => parsePolicy("version: 1\n\nbaseline: missing.json\n", policyFile)).toThrow(PolicyFileError);
      expect(() => parsePolicy("version: 1\n\nbaseline: missing.json\n", policyFile)).toThrow(/flow-policy\.yaml:3:11: baseline 'missing\.json' not found/);
      fs.writeFileSync(path.join(dir, "gate", "bad.json"), formatBaseline(SAMPLE).replace("0123456789abcdef", "nope"));
      expect(() => parsePolicy("version: 1\nbaseline: bad.json\n", policyFile)).toThrow(
        /gate\/bad\.json:7:72: \$\.entries\[0\]\.fingerprint must be 16 hex digits/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is JSON: a syntax error, a repeated key or YAML is reported at its line and column", () => {
    const text = formatBaseline(SAMPLE);
    expect(problem(text.replace('"fingerprint":"0123456789abcdef"}', '"fingerprint":"0123456789abcdef",}'))).toMatch(
      /^b\.json:7:\d+: not valid JSON: expected a key in double quotes$/,
    );
    expect(problem(text.replace('"expires": "2026-07-31",', '"expires": "2026-07-31",\n  "expires": "2099-12-31",'))).toBe(
      "b.json:6:3: not valid JSON: the key 'expires' appears twice in $",
    );
    expect(problem(text.replace('"rule":"flow-integration-connected",', '"rule":"flow-integration-connected","rule":"x",'))).toMatch(
      /^b\.json:7:\d+: not valid JSON: the key 'rule' appears twice in \$\.entries\[0\]$/,
    );
    expect(problem("kind: pulumi-flow/baseline\nversion: 1\n")).toMatch(/^b\.json:1:1: not valid JSON/);
  });

  it("refuses deep nesting before parsing, with a clear error naming the file", () => {
    const nested = (n: number) => formatBaseline(SAMPLE).replace('"entries": [', `"entries": [${"[".repeat(n)}${"]".repeat(n)},`);
    expect(problem(nested(30))).toMatch(/^b\.json:6:15: \$\.entries\[0\] must be an object/);
    for (const n of [31, 100_000])
      expect(problem(nested(n))).toBe("b.json:1:1: nests more than 32 levels deep; a baseline nests 3 (an object, its entries, each entry)");
  });

  it("reads a baseline of 150,000 entries, under the size cap, to the same entries (parsed by JSON.parse)", () => {
    const entries = Array.from({ length: 150_000 }, (_, i) => ({ rule: "flow-integration-webhooks-enabled", integration: i, fingerprint: "0123456789abcdef" }));
    const text = formatBaseline({ ...SAMPLE, entries });
    expect(text.length).toBeLessThan(MAX_BASELINE_BYTES);
    expect(parseBaseline(text, "big.json").entries).toEqual(entries);
    expect(problem(text.replace('{"rule":"flow-integration-webhooks-enabled","integration":149999,', '{"rule":"","integration":149999,'))).toMatch(
      /^b\.json:150006:13: \$\.entries\[149999\]\.rule must be a rule id$/,
    );
  });
});
