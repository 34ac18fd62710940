import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { section } from "../../helpers/markdown";

const repo = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");

describe("adding a rule (docs/development.md)", () => {
  const walkthrough = section(read("docs/development.md"), "## Adding a rule");

  it("names every place a new rule must be registered, including the named export", () => {
    expect(walkthrough).toContain("src/rules/index.ts");
    expect(walkthrough).toMatch(/`rules` array/);
    expect(walkthrough).toMatch(/named exports at the bottom/);
    expect(walkthrough).toContain("test/unit/rules/<name>.test.ts");
    expect(walkthrough).toContain("npm run generate");
  });

  it("lists every file `npm run generate` writes from the rule metadata", () => {
    const generator = read("scripts/gen-rules-docs.mjs");
    expect(generator).toContain('"docs", "rules.md"');
    expect(generator).toContain('"README.md"');
    expect(generator).toContain('"docs", "policy-file.md"');
    expect(generator).toContain("POLICY_SCHEMA_FILE");
    for (const target of ["docs/rules.md", "README's rules table", "policy-file.md", "flow-policy.schema.json"]) expect(walkthrough, target).toContain(target);
  });

  it("is linked from ARCHITECTURE.md and the meta test's messages", () => {
    expect(read("ARCHITECTURE.md")).toContain("docs/development.md#adding-a-rule");
    expect(read("test/unit/rules/meta.test.ts")).toContain("docs/development.md#adding-a-rule");
  });
});
