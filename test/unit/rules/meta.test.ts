import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { renderRulesDoc, rulesTable, README_TABLE_END, README_TABLE_START } from "../../../src/docs/rules-doc";
import { fieldTouches } from "../../../src/rules/evaluate";
import * as rulesIndex from "../../../src/rules/index";
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

// A rule file that is not wired up everywhere would otherwise pass every other test: its own test
// fails with an unrelated TypeError when the named export is missing, and nothing notices a
// file outside the array at all. Each message says which step of docs/development.md#adding-a-rule
// is missing.
const HOW = "(docs/development.md#adding-a-rule)";
const INFRASTRUCTURE = new Set(["index.ts", "types.ts", "util.ts", "evaluate.ts", "exceptions.ts", "baseline.ts"]);
const ruleFiles = fs
  .readdirSync(path.join(repo, "src", "rules"))
  .filter((f) => f.endsWith(".ts") && !INFRASTRUCTURE.has(f))
  .sort();
const isRule = (v: unknown): v is Rule => Boolean(v) && typeof v === "object" && "evaluate" in (v as object) && "id" in (v as object);

describe("every rule file in src/rules/ is wired up " + HOW, () => {
  const docs = fs.readFileSync(path.join(repo, "docs", "rules.md"), "utf8");
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const schema = JSON.parse(fs.readFileSync(path.join(repo, "flow-policy.schema.json"), "utf8")) as { properties: { rules: { properties: object } } };

  it("has one rule file per rule in the array", () => {
    expect(ruleFiles.length, `src/rules/ has ${ruleFiles.length} rule files, the rules array ${rules.length} rules ${HOW}`).toBe(rules.length);
  });

  it.each(ruleFiles)("%s: one exported rule, in the array, exported by name from index.ts, documented, with a unit test", async (file) => {
    const mod = (await import(path.join(repo, "src", "rules", file))) as Record<string, unknown>;
    const exported = Object.entries(mod).filter(([, v]) => isRule(v));
    expect(
      exported.map(([name]) => name),
      `${file} must export exactly one rule`,
    ).toHaveLength(1);
    const [name, rule] = exported[0] as [string, Rule];
    expect(rules, `${file}: add ${name} to the rules array in src/rules/index.ts ${HOW}`).toContain(rule);
    expect((rulesIndex as Record<string, unknown>)[name], `${file}: add ${name} to the named exports at the bottom of src/rules/index.ts ${HOW}`).toBe(rule);
    const generate = `run \`npm run generate\` ${HOW}`;
    expect(docs, `docs/rules.md has no section for ${rule.id}: ${generate}`).toContain(`\n## ${rule.id}\n`);
    expect(readme, `the README's rules table has no row for ${rule.id}: ${generate}`).toContain(`| [\`${rule.id}\`](docs/rules.md#${rule.id}) |`);
    expect(Object.keys(schema.properties.rules.properties), `flow-policy.schema.json lacks ${rule.id}: ${generate}`).toContain(rule.id);
    const test = path.join("test", "unit", "rules", file.replace(/\.ts$/, ".test.ts"));
    expect(fs.existsSync(path.join(repo, test)), `${file} has no unit test: write ${test} ${HOW}`).toBe(true);
    const text = fs.readFileSync(path.join(repo, test), "utf8");
    expect(text, `${test} does not name ${rule.id}`).toContain(rule.id);
    expect(text, `${test} should import ${name} from src/rules/index (as the other rule tests do)`).toMatch(
      new RegExp(`import \\{[^}]*\\b${name}\\b[^}]*\\} from "\\.\\./\\.\\./\\.\\./src/rules/index"`),
    );
  });

  it("is counted from the rules array wherever a test needs the number of rules (no test hard-codes it)", () => {
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    const counted = /\b\d+ (?:rules|policies)\b|\b(?:rules|policies): \d+\b|\brules\)\.toHaveLength\(\d+\)/;
    const offenders = walk(path.join(repo, "test")).filter((f) => counted.test(fs.readFileSync(f, "utf8")));
    expect(offenders.map((f) => path.relative(repo, f))).toEqual([]);
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
