import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findPolicyFile, loadPolicyFile, parsePolicy, PolicyFileError } from "../../../src/config/policy-file";
import { defaultPolicy } from "../../../src/rules/evaluate";

const VALID = `version: 1
rules:
  flow-integration-recently-synced:
    enforcement: mandatory
    maxAgeDays: 3
  flow-integration-allowed-vendor:
    enforcement: advisory
    allowedVendors: [github]
exceptions:
  - rule: flow-integration-webhooks-enabled
    integrations: [102]
    reason: blocked by the org's GitHub policy
    owner: mobile
    ticket: OPS-1
    expires: 2027-01-31
`;

function failure(text: string): PolicyFileError {
  try {
    parsePolicy(text, "flow-policy.yaml");
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyFileError);
    return e as PolicyFileError;
  }
  throw new Error("expected the policy file to be rejected");
}

describe("the YAML policy file", () => {
  it("sets enforcement and parameters over the defaults, and reads exceptions with their line", () => {
    const p = parsePolicy(VALID, "flow-policy.yaml");
    expect(p.rules["flow-integration-recently-synced"]).toEqual({ enforcement: "mandatory", config: { maxAgeDays: 3 } });
    expect(p.rules["flow-integration-allowed-vendor"]).toEqual({ enforcement: "advisory", config: { allowedVendors: ["github"] } });
    expect(p.rules["flow-integration-connected"]).toEqual(defaultPolicy().rules["flow-integration-connected"]);
    expect(p.exceptions).toEqual([
      {
        rule: "flow-integration-webhooks-enabled",
        integrations: [102],
        reason: "blocked by the org's GitHub policy",
        owner: "mobile",
        ticket: "OPS-1",
        expires: "2027-01-31",
        source: "flow-policy.yaml:10",
      },
    ]);
    expect(p.ruleSources).toEqual({ "flow-integration-recently-synced": "flow-policy.yaml:3", "flow-integration-allowed-vendor": "flow-policy.yaml:6" });
  });

  it("accepts an empty file as the default policy", () => {
    expect(parsePolicy("", "f.yaml").rules).toEqual(defaultPolicy().rules);
  });

  it.each([
    ["invalid YAML", VALID.replace("maxAgeDays: 3", "maxAgeDays: [3"), 6, /invalid YAML/],
    [
      "an unknown rule id",
      VALID.replace("flow-integration-allowed-vendor:", "flow-integration-alowed-vendor:"),
      6,
      /unknown rule id 'flow-integration-alowed-vendor'/,
    ],
    ["an unknown parameter", VALID.replace("maxAgeDays: 3", "maxAge: 3"), 5, /unknown key 'maxAge' in rules\.flow-integration-recently-synced/],
    [
      "a parameter of the wrong type",
      VALID.replace("maxAgeDays: 3", "maxAgeDays: soon"),
      5,
      /rules\.flow-integration-recently-synced\.maxAgeDays must be number/,
    ],
    ["a bad enforcement", VALID.replace("enforcement: mandatory", "enforcement: strict"), 4, /must be one of "mandatory", "advisory", "disabled"/],
    ["an exception without a reason", VALID.replace("    reason: blocked by the org's GitHub policy\n", ""), 10, /exceptions\[0\] is missing 'reason'/],
    ["an exception without an expiry", VALID.replace("    expires: 2027-01-31\n", ""), 10, /exceptions\[0\] is missing 'expires'/],
    ["an expiry that is not a date", VALID.replace("2027-01-31", "next year"), 15, /exceptions\[0\]\.expires must be a date \(YYYY-MM-DD\)/],
    ["an exception without a selector", VALID.replace("    integrations: [102]\n", ""), 10, /must select integrations with 'integrations', 'vendor' or 'name'/],
    [
      "an exception for an unknown rule",
      VALID.replace("rule: flow-integration-webhooks-enabled", "rule: webhooks"),
      10,
      /exceptions\[0\]\.rule must be one of/,
    ],
    ["a duplicate key", VALID.replace("    maxAgeDays: 3\n", "    maxAgeDays: 3\n    maxAgeDays: 4\n"), 6, /invalid YAML: Map keys must be unique/],
    [
      "a reason that is only whitespace",
      VALID.replace("reason: blocked by the org's GitHub policy", 'reason: "   "'),
      12,
      /exceptions\[0\]\.reason must not be empty or only whitespace/,
    ],
    [
      "an alias bomb",
      `a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n`,
      2,
      /the YAML expands too many aliases/,
    ],
    ["a file beyond the size limit", `# ${"x".repeat(1024 * 1024)}\n`, 1, /the policy file is larger than 1048576 bytes/],
    [
      "flow collections nested deeper than 32 levels",
      `version: 1\nrules:\n  flow-integration-allowed-vendor:\n    vendors: ${"[".repeat(40)}${"]".repeat(40)}\n`,
      4,
      /^the policy file nests more than 32 levels deep; a policy file nests about 5$/,
    ],
    [
      "nesting deep enough to exhaust the stack",
      `version: 1\nx: ${"[".repeat(5000)}${"]".repeat(5000)}\n`,
      2,
      /^the policy file nests more than 32 levels deep/,
    ],
    ["block sequences nested deeper than 32 levels", `version: 1\nx:\n  ${"- ".repeat(40)}y\n`, 3, /^the policy file nests more than 32 levels deep/],
    ["an alias inside what it names (a cycle)", "version: 1\nx: &a [*a]\n", 2, /nests more than 32 levels deep once its aliases are expanded/],
  ])("rejects %s with file:line:column", (_what, text, line, problem) => {
    const e = failure(text);
    expect(e.message).toMatch(/^flow-policy\.yaml:\d+:\d+: /);
    expect(e.line).toBe(line);
    expect(e.column).toBeGreaterThan(0);
    expect(e.problem).toMatch(problem);
  });

  it("finds the file named by FLOW_POLICY_FILE, else flow-policy.yaml in the search dirs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-policy-"));
    try {
      expect(findPolicyFile({ env: {}, searchDirs: [dir] })).toBeUndefined();
      fs.writeFileSync(path.join(dir, "flow-policy.yaml"), VALID);
      expect(findPolicyFile({ env: {}, searchDirs: [dir] })).toBe(path.join(dir, "flow-policy.yaml"));
      fs.writeFileSync(path.join(dir, "team.yaml"), VALID);
      expect(findPolicyFile({ env: { FLOW_POLICY_FILE: "team.yaml" }, baseDir: dir })).toBe(path.join(dir, "team.yaml"));
      expect(() => findPolicyFile({ env: { FLOW_POLICY_FILE: "missing.yaml" }, baseDir: dir })).toThrow(
        /missing\.yaml:1:1: policy file not found \(from FLOW_POLICY_FILE\)/,
      );
      expect(loadPolicyFile(path.join(dir, "team.yaml")).file).toBe(path.join(dir, "team.yaml"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
