import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runAudit, type AuditIO } from "../../../src/cli/main";
import { parsePolicy } from "../../../src/config/policy-file";
import { POLICY_SCHEMA_FILE, renderPolicyFileSchema } from "../../../src/docs/policy-file-schema";
import { settingsTable, SETTINGS_TABLE_END, SETTINGS_TABLE_START } from "../../../src/docs/rules-doc";
import { rules } from "../../../src/rules/index";

// The JSON schema shipped for editors (`# yaml-language-server: $schema=…`) must say what
// flow-audit and the pack accept: generated from the same metadata, and checked here with a
// plain draft-07 validator, as an editor would, against what flow-audit does.
const repo = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8");
const shipped = JSON.parse(read(POLICY_SCHEMA_FILE)) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const editorValidate = ajv.compile(shipped);

/** Every policy file among the examples (found by name, so a new one is checked too). */
function examplePolicyFiles(dir = path.join(repo, "examples")): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? examplePolicyFiles(path.join(dir, e.name)) : /flow-policy.*\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** The ```yaml blocks of a Markdown page that are policy files (they start with `# flow-policy.yaml`). */
function policyBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n(# flow-policy\.yaml[^\n]*\n[\s\S]*?)```/g)].map((m) => m[1]);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-schema-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs flow-audit in-process with `text` as its policy file; the policy is checked before anything is read. */
async function audit(text: string): Promise<{ code: number; err: string; file: string }> {
  const file = path.join(tmp, `policy-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, text);
  let err = "";
  const io: AuditIO = {
    env: {},
    cwd: tmp,
    stdout: { write: (_s: string, done?: (e?: Error | null) => void) => (done?.(), true), isTTY: false },
    stderr: { write: (s: string) => ((err += s), true), isTTY: false },
  };
  const code = await runAudit(["--policy-file", file, "--format", "json"], io);
  return { code, err, file };
}

const EXPIRES = "2099-12-31";
const INVALID: Array<[string, string, RegExp]> = [
  ["an unknown top-level key", "version: 1\nrule: {}\n", /unknown key 'rule' in the top level/],
  ["an unknown rule id", "rules:\n  flow-integration-webhooks:\n    enforcement: advisory\n", /unknown rule id 'flow-integration-webhooks'/],
  ["an unknown enforcement", "rules:\n  flow-integration-connected:\n    enforcement: warn\n", /enforcement must be one of/],
  ["an unknown rule parameter", "rules:\n  flow-integration-recently-synced:\n    maxAge: 3\n", /unknown key 'maxAge'/],
  ["a parameter of the wrong type", "rules:\n  flow-integration-recently-synced:\n    maxAgeDays: soon\n", /maxAgeDays must be/],
  ["a wrong version", "version: 2\n", /version must be equal to constant/],
  ["an exception without a reason", `exceptions:\n  - rule: flow-integration-connected\n    integrations: [1]\n    expires: ${EXPIRES}\n`, /missing 'reason'/],
  [
    "an exception with a blank reason",
    `exceptions:\n  - rule: flow-integration-connected\n    integrations: [1]\n    reason: " "\n    expires: ${EXPIRES}\n`,
    /must not be empty/,
  ],
  ["an exception without an expiry", "exceptions:\n  - rule: flow-integration-connected\n    vendor: github\n    reason: r\n", /missing 'expires'/],
  [
    "an exception without a selector",
    `exceptions:\n  - rule: flow-integration-connected\n    reason: r\n    expires: ${EXPIRES}\n`,
    /must select integrations/,
  ],
  [
    "an expiry that is not a date",
    "exceptions:\n  - rule: flow-integration-connected\n    vendor: github\n    reason: r\n    expires: soon\n",
    /must be a date/,
  ],
  [
    "an exception with an unknown field",
    `exceptions:\n  - rule: flow-integration-connected\n    vendor: github\n    reason: r\n    expires: ${EXPIRES}\n    until: x\n`,
    /unknown key 'until'/,
  ],
];

describe(`the policy file's JSON schema (${POLICY_SCHEMA_FILE})`, () => {
  it("is the one generated from the rule metadata (run `npm run generate`)", () => {
    expect(read(POLICY_SCHEMA_FILE)).toBe(renderPolicyFileSchema(rules));
  });

  it("is a draft-07 schema that YAML editors can use, shipped in the package as pulumi-flow/flow-policy.schema.json", () => {
    expect(shipped.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(ajv.validateSchema(shipped), ajv.errorsText()).toBe(true);
    const pkg = JSON.parse(read("package.json")) as { files: string[]; exports: Record<string, unknown> };
    expect(pkg.files).toContain(POLICY_SCHEMA_FILE);
    expect(pkg.exports[`./${POLICY_SCHEMA_FILE}`]).toBe(`./${POLICY_SCHEMA_FILE}`);
    // Resolved through the package's exports, as a consumer's tooling would (this repository links itself as pulumi-flow).
    expect(require.resolve(`pulumi-flow/${POLICY_SCHEMA_FILE}`)).toBe(fs.realpathSync(path.join(repo, POLICY_SCHEMA_FILE)));
  });

  it("describes every key, rule and parameter (what editors show on hover)", () => {
    const undescribed: string[] = [];
    const walk = (schema: Record<string, unknown>, at: string) => {
      for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!sub.description) undescribed.push(`${at}.${key}`);
        walk(sub, `${at}.${key}`);
      }
      if (schema.items && typeof schema.items === "object") walk(schema.items as Record<string, unknown>, `${at}[]`);
    };
    walk(shipped, "$");
    expect(undescribed).toEqual([]);
    const ruleProps = (shipped.properties as Record<string, { properties: Record<string, unknown> }>).rules.properties;
    expect(Object.keys(ruleProps)).toEqual(rules.map((r) => r.id));
  });

  it("accepts every example policy file and every policy file shown in the docs, as flow-audit does", async () => {
    const files = examplePolicyFiles();
    expect(files.length).toBeGreaterThan(0);
    const texts = [
      ...files.map((f) => ({ name: path.relative(repo, f), text: fs.readFileSync(f, "utf8") })),
      ...["docs/rules.md", "docs/policy-file.md", "README.md"].flatMap((doc) =>
        policyBlocks(read(doc)).map((text, i) => ({ name: `${doc} block ${i + 1}`, text })),
      ),
    ];
    expect(texts.length).toBeGreaterThan(rules.length);
    for (const { name, text } of texts) {
      expect(editorValidate(parse(text) ?? {}), `${name}: ${ajv.errorsText(editorValidate.errors)}`).toBe(true);
      expect(() => parsePolicy(text, name), name).not.toThrow();
    }
    // flow-audit gets past the policy file and stops only at the missing token (this test gives none).
    const example = await audit(fs.readFileSync(files[0], "utf8"));
    expect(example).toMatchObject({ code: 2, err: expect.stringMatching(/no API token/) });
  });

  it("is named by the examples' yaml-language-server modeline", () => {
    for (const file of examplePolicyFiles()) {
      const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(fs.readFileSync(file, "utf8"));
      expect(modeline, file).not.toBeNull();
      expect(path.resolve(path.dirname(file), modeline![1]), file).toBe(path.join(repo, POLICY_SCHEMA_FILE));
    }
  });

  it.each(INVALID)("rejects %s, and so does flow-audit (exit 2, file:line:column)", async (_name, text, problem) => {
    expect(editorValidate(parse(text)), "the schema accepted it").toBe(false);
    const r = await audit(text);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`${r.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
    expect(r.err).toMatch(problem);
  });
});

describe("the policy file reference (docs/policy-file.md)", () => {
  const doc = read("docs/policy-file.md");
  const props = (schema: unknown) => Object.keys((schema as { properties: Record<string, unknown> }).properties);
  const top = shipped.properties as Record<string, { items?: unknown }>;

  it("documents every top-level key and every exception field in its tables", () => {
    for (const key of [...props(shipped), ...props(top.exceptions.items)]) expect(doc, key).toMatch(new RegExp(`^\\| \`${key}\` \\|`, "m"));
  });

  it("lists every rule setting with its default, generated from the metadata (run `npm run generate`)", () => {
    const between = doc.slice(doc.indexOf(SETTINGS_TABLE_START) + SETTINGS_TABLE_START.length, doc.indexOf(SETTINGS_TABLE_END));
    expect(between.trim()).toBe(settingsTable(rules));
    for (const r of rules)
      for (const setting of ["enforcement", ...Object.keys(r.configSchema.properties)]) expect(between, `${r.id}.${setting}`).toContain(`\`${setting}\``);
  });

  it("shows the editor modeline that names the shipped schema", () => {
    expect(doc).toContain(`# yaml-language-server: $schema=./node_modules/pulumi-flow/${POLICY_SCHEMA_FILE}`);
  });
});
