import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { renderRulesDoc, rulesTable, README_TABLE_END, README_TABLE_START } from "../../../src/rules/docs";
import { rules } from "../../../src/rules/index";

const repo = path.resolve(__dirname, "..", "..", "..");

describe("rule metadata", () => {
  it("has unique ids following the naming pattern for its scope", () => {
    const ids = rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rules) expect(r.id).toMatch(r.scope === "integration" ? /^flow-integration-[a-z]+(-[a-z]+)*$/ : /^flow-(?!integration-)[a-z]+(-[a-z]+)*$/);
  });

  it("describes each rule in one sentence starting 'Checks that' and gives a remediation", () => {
    for (const r of rules) {
      expect(r.description, r.id).toMatch(/^Checks that [^.]+(\.[^ ][^.]*)*\.$/);
      expect(r.title.length, r.id).toBeGreaterThan(3);
      expect(r.remediation, r.id).toMatch(/\.$/);
    }
  });

  it("declares every parameter in the schema with the same default the code applies", () => {
    for (const r of rules) {
      const props = r.configSchema.properties;
      expect(Object.keys(props).sort(), r.id).toEqual(Object.keys(r.defaults).sort());
      for (const [k, s] of Object.entries(props)) {
        expect(s.default, `${r.id}.${k}`).toEqual((r.defaults as Record<string, unknown>)[k]);
        expect(s.description, `${r.id}.${k}`).toBeTruthy();
      }
    }
  });

  it("has schemas that accept their own defaults (as the engine validates pack config)", () => {
    const ajv = new Ajv({ strict: false });
    for (const r of rules) expect(ajv.validate(r.configSchema, r.defaults), `${r.id}: ${ajv.errorsText()}`).toBe(true);
  });

  it("keeps docs/rules.md in sync with the metadata (run `npm run generate`)", () => {
    expect(fs.readFileSync(path.join(repo, "docs", "rules.md"), "utf8")).toBe(renderRulesDoc(rules));
    for (const r of rules) expect(renderRulesDoc(rules)).toContain(`## ${r.id}\n`);
  });

  it("keeps the README's rules table in sync (run `npm run generate`)", () => {
    const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
    const between = readme.slice(readme.indexOf(README_TABLE_START) + README_TABLE_START.length, readme.indexOf(README_TABLE_END));
    expect(between.trim()).toBe(rulesTable(rules));
  });
});
