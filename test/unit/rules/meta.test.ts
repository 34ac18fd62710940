import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { renderRulesDoc, rulesTable, README_TABLE_END, README_TABLE_START } from "../../../src/docs/rules-doc";
import { fieldTouches } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import type { Rule } from "../../../src/rules/types";
import { resolveRuleConfig } from "../../../src/rules/util";
import { another, ctx, healthy, published } from "./fixtures";

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

  it("has every rule file registered in the rules array and tested in its own test file", async () => {
    const infrastructure = new Set(["index.ts", "types.ts", "util.ts", "evaluate.ts", "exceptions.ts"]);
    const files = fs.readdirSync(path.join(repo, "src", "rules")).filter((f) => f.endsWith(".ts") && !infrastructure.has(f));
    expect(files.length).toBe(rules.length);
    for (const file of files) {
      const mod = (await import(path.join(repo, "src", "rules", file))) as Record<string, Rule>;
      const exported = Object.values(mod).filter((v) => v && typeof v === "object" && "evaluate" in v);
      expect(exported.length, file).toBe(1);
      expect(rules, `${file} is not in src/rules/index.ts`).toContain(exported[0]);
      const test = path.join(repo, "test", "unit", "rules", file.replace(/\.ts$/, ".test.ts"));
      expect(fs.existsSync(test), `${file} has no test file ${path.relative(repo, test)}`).toBe(true);
      expect(fs.readFileSync(test, "utf8"), `${path.relative(repo, test)} does not name ${exported[0].id}`).toContain(exported[0].id);
    }
  });

  it("declares in `reads` every field each rule reads (so unusable data in it becomes that rule's error)", () => {
    // Fields read only through fallback-safe helpers for display (nameOf, vendorOf, vendorTitle, label).
    const display = ["id", "name", "vendor_type", "vendor_meta.title"];
    const variants = [
      healthy(),
      { integration: published() },
      healthy({ enabled_source_types: undefined, source_type_names: "repo", created_by: "19994", updated_by: null, vendor_meta: null }),
      healthy({ has_repos: true, source_projects_last_updated: null }),
    ];
    for (const rule of rules) {
      const seen = new Set<string>();
      const record = (r: (typeof variants)[number]) => ({
        integration: recording(r.integration, "", seen),
        connectionStatus: r.connectionStatus && recording(r.connectionStatus, "connection_status", seen),
      });
      const config = resolveRuleConfig(rule, {
        allowedVendors: ["bitbucket"],
        requiredVendors: ["bitbucket"],
        usernamePattern: ".*",
        matchOn: ["name", "username"],
      });
      if (rule.scope === "integration") for (const v of variants) rule.evaluate(record(v), config, ctx);
      else rule.evaluate([...variants, another(7)].map(record), config, ctx);
      const undeclared = [...seen].filter(
        (field) => !rule.reads.some((read) => fieldTouches(read, field)) && !display.some((d) => d === field || d.startsWith(`${field}.`)),
      );
      expect(undeclared, `${rule.id} reads fields missing from its \`reads\``).toEqual([]);
      expect(seen.size, `${rule.id} read nothing`).toBeGreaterThan(0);
    }
  });
});

/** A deep read-only view of `value` that records the dotted path of every data field read (array indexes left out). */
function recording<T>(value: T, prefix: string, seen: Set<string>): T {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === "symbol") return v;
      if (Array.isArray(target)) return /^\d+$/.test(key) ? recording(v, prefix, seen) : v;
      const p = prefix ? `${prefix}.${key}` : key;
      seen.add(p);
      return recording(v, p, seen);
    },
  }) as T;
}
