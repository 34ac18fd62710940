import * as fs from "node:fs";
import * as path from "node:path";
import type { ErrorObject } from "ajv/dist/2020";
import type { Document, Node } from "yaml";

/**
 * The yaml package, loaded when a policy file is first parsed: a stack program imports this
 * module through the package's index but never parses a policy file, and yaml is 72 modules.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use (see above)
const yaml = (): typeof import("yaml") => require("yaml") as typeof import("yaml");
import { MAX_DEPTH } from "../api/ingest";
import { newAjv, pointerSegments } from "../api/json";
import { defaultPolicy } from "../rules/evaluate";
import { rules as allRules } from "../rules/index";
import type { Enforcement, FlowPolicy, PolicyException, Rule } from "../rules/types";
import { configOf } from "../rules/util";
import type { Baseline } from "../rules/baseline";
import { BaselineError, readBaseline } from "./baseline-file";
import { ConfigFileError } from "./file-error";
import { contentDigest, FileReadError, readTextFile } from "./read-file";

/** The environment variable naming the YAML policy file. */
export const POLICY_FILE_ENV = "FLOW_POLICY_FILE";
/** The file name looked for when FLOW_POLICY_FILE is not set. */
export const DEFAULT_POLICY_FILE = "flow-policy.yaml";
/** Largest policy file read (a real one is a few kilobytes). */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;
/** Most YAML aliases resolved in a policy file (aliases multiply; a few are plenty). */
export const MAX_POLICY_ALIASES = 50;
/** Largest Pulumi project file (Pulumi.yaml) read to find a project's folder. */
export const MAX_PROJECT_FILE_BYTES = 1024 * 1024;

/** A policy file that cannot be used; `message` starts with file:line:column. */
export class PolicyFileError extends ConfigFileError {}

const ENFORCEMENTS = ["mandatory", "advisory", "disabled"] as const;

/** The schema of one rule's entry under `rules:`: its enforcement and its parameters. */
function ruleEntrySchema(r: Rule): Record<string, unknown> {
  const level = r.enforcement === "disabled" ? "disabled until configured" : r.enforcement;
  return {
    type: "object",
    additionalProperties: false,
    description: `${r.title}. ${r.description} Default: ${level}. See docs/rules.md#${r.id}.`,
    properties: {
      enforcement: {
        enum: [...ENFORCEMENTS],
        default: r.enforcement,
        description: "mandatory fails the gate and flow-audit; advisory is reported only; disabled does not run the rule.",
      },
      ...r.configSchema.properties,
    },
  };
}

/** The schema of one entry under `exceptions:`. */
function exceptionSchema(ids: string[]): Record<string, unknown> {
  return {
    type: "object",
    additionalProperties: false,
    description: "Accepts a rule's violations (and errors) for the integrations selected, with a reason, until an expiry date.",
    required: ["rule", "reason", "expires"],
    anyOf: [{ required: ["integrations"] }, { required: ["vendor"] }, { required: ["name"] }],
    properties: {
      rule: { enum: ids, description: "The id of the rule whose findings this exception accepts." },
      integrations: { type: "array", minItems: 1, items: { type: "integer" }, description: "Integration ids it applies to." },
      vendor: { type: "string", minLength: 1, description: "Vendor key (vendor_type, e.g. github) it applies to, matched exactly." },
      name: {
        type: "string",
        minLength: 1,
        description: "Integration name it applies to: case-insensitive, the whole name; * matches any run of characters.",
      },
      reason: { type: "string", pattern: "\\S", description: "Why the finding is accepted (required, not blank)." },
      owner: { type: "string", description: "Who answers for the exception (optional)." },
      ticket: { type: "string", description: "A ticket that tracks it (optional)." },
      expires: { type: "string", format: "date", description: "The last day it applies (UTC), YYYY-MM-DD; after it the finding fails again." },
    },
  };
}

/** The JSON schema of the policy file, built from the rules' metadata (what flow-audit and the pack validate with). */
export function policyFileSchema(rules: readonly Rule[] = allRules): Record<string, unknown> {
  const ids = rules.map((r) => r.id);
  return {
    type: "object",
    additionalProperties: false,
    properties: {
      version: { const: 1, description: "The policy file format version: 1." },
      rules: {
        type: "object",
        description: "Per rule id: its enforcement and parameters. Rules not named keep their defaults.",
        propertyNames: { enum: ids },
        properties: Object.fromEntries(rules.map((r) => [r.id, ruleEntrySchema(r)])),
      },
      exceptions: { type: "array", description: "Accepted findings, each with a selector, a reason and an expiry date.", items: exceptionSchema(ids) },
      baseline: {
        type: "string",
        minLength: 1,
        description:
          "A baseline file written by flow-audit --write-baseline, relative to this file: the violations it lists are tolerated (reported as baselined) until its expiry, while their evidence is unchanged.",
      },
    },
  };
}

/**
 * The policy file's schema as a standalone JSON Schema (draft-07, what YAML editors support), shipped
 * as `pulumi-flow/flow-policy.schema.json` for `# yaml-language-server: $schema=…`. The same
 * constraints flow-audit and the pack validate with; `npm run generate` writes it.
 */
export function policyFileJsonSchema(rules: readonly Rule[] = allRules): Record<string, unknown> {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "pulumi-flow policy file (flow-policy.yaml)",
    description: "Rule enforcement, parameters and exceptions for the pulumi-flow policy pack and flow-audit. Reference: docs/policy-file.md.",
    ...policyFileSchema(rules),
  };
}

function tooLarge(file: string): PolicyFileError {
  return new PolicyFileError(file, 1, 1, `the policy file is larger than ${MAX_POLICY_FILE_BYTES} bytes; a policy file is a few kilobytes`);
}

/** Parses and validates policy-file text; errors name file, line and column. */
export function parsePolicy(text: string, file = DEFAULT_POLICY_FILE, rules: readonly Rule[] = allRules): FlowPolicy {
  if (text.length > MAX_POLICY_FILE_BYTES) throw tooLarge(file);
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, problem: string) => {
    const { line, col } = lineCounter.linePos(offset);
    return new PolicyFileError(file, line, col, problem);
  };
  const tooDeep = `the policy file nests more than ${MAX_DEPTH} levels deep`;
  const first = doc.errors[0];
  // The yaml package stops composing a document nested too deep for the stack, as this error.
  if (first?.code === "RESOURCE_EXHAUSTION" && /call stack/i.test(first.message)) throw at(first.pos[0], `${tooDeep}; a policy file nests about 5`);
  if (first) throw at(first.pos[0], `invalid YAML: ${first.message.split("\n")[0]}`);
  const deep = deepNode(doc);
  if (deep) throw at(offsetOf(deep), `${tooDeep}; a policy file nests about 5`);
  let data: Record<string, unknown>;
  try {
    data = (doc.toJS({ maxAliasCount: MAX_POLICY_ALIASES }) ?? {}) as Record<string, unknown>;
    // Aliases can nest what they name inside itself (a cycle) or stack deep values on each other.
    if (depthAbove(data, MAX_DEPTH)) throw new RangeError("nested too deep through aliases");
  } catch (e) {
    // The yaml package refuses alias expansion beyond maxAliasCount (an "alias bomb").
    let offset = 0;
    yaml().visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return yaml().visit.BREAK;
      },
    });
    if (e instanceof RangeError)
      throw at(offset, `${tooDeep} once its aliases are expanded (or an alias names a value that contains it); write the values out instead`);
    throw at(offset, `the YAML expands too many aliases (${(e as Error).message.split("\n")[0]}); write the values out instead`);
  }
  if (typeof data !== "object" || Array.isArray(data)) throw at(0, "the policy file must be a mapping with keys version, rules and exceptions");

  const validate = newAjv().compile(policyFileSchema(rules));
  if (!validate(data)) {
    const e = pickError(validate.errors ?? []);
    const { offset, problem } = locate(doc, e);
    throw at(offset, problem);
  }

  const policy = defaultPolicy(rules);
  policy.file = file;
  policy.digest = contentDigest(text);
  const ruleEntries = (data.rules ?? {}) as Record<string, Record<string, unknown>>;
  const lineOf = (node: Node | null | undefined) => lineCounter.linePos(yaml().isNode(node) && node.range ? node.range[0] : 0).line;
  policy.ruleSources = {};
  for (const [id, entry] of Object.entries(ruleEntries)) {
    const { enforcement, ...params } = entry ?? {};
    const rule = rules.find((r) => r.id === id)!;
    policy.rules[id] = { enforcement: (enforcement as Enforcement | undefined) ?? rule.enforcement, config: configOf(rule, params) };
    policy.ruleSources[id] = `${path.basename(file)}:${lineOf(keyNode(doc, ["rules"], id))}`;
  }
  const exceptions = (data.exceptions ?? []) as PolicyException[];
  policy.exceptions = exceptions.map((x, i) => ({ ...x, source: `${path.basename(file)}:${lineOf(doc.getIn(["exceptions", i], true) as Node)}` }));
  if (typeof data.baseline === "string")
    policy.baseline = policyBaseline(data.baseline, file, (problem) => at(offsetOf(doc.getIn(["baseline"], true)), problem));
  return policy;
}

function offsetOf(n: unknown): number {
  return yaml().isNode(n) && n.range ? n.range[0] : 0;
}

/** The first collection nested deeper than MAX_DEPTH in a YAML document (walked without recursion), if any. */
function deepNode(doc: Document): Node | undefined {
  const todo: Array<[unknown, number]> = [[doc.contents, 1]];
  while (todo.length) {
    const [n, depth] = todo.pop()!;
    if (!yaml().isCollection(n)) continue;
    if (depth > MAX_DEPTH) return n;
    for (const item of n.items as unknown[]) {
      if (yaml().isPair(item)) todo.push([item.key, depth + 1], [item.value, depth + 1]);
      else todo.push([item, depth + 1]);
    }
  }
  return undefined;
}

/** Whether a JS value nests objects and arrays more than `max` deep (a cycle does); without recursion. */
function depthAbove(value: unknown, max: number): boolean {
  const todo: Array<[unknown, number]> = [[value, 1]];
  while (todo.length) {
    const [v, depth] = todo.pop()!;
    if (!v || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const x of Array.isArray(v) ? (v as unknown[]) : Object.values(v)) if (x && typeof x === "object") todo.push([x, depth + 1]);
  }
  return false;
}

/**
 * The baseline a policy file names, relative to the file. A baseline that cannot be read is an
 * error at the policy file's `baseline:` line; one that is not valid, at the baseline's own line.
 */
function policyBaseline(named: string, policyFile: string, fail: (problem: string) => PolicyFileError): Baseline {
  const file = path.resolve(path.dirname(path.resolve(policyFile)), named);
  if (!fs.existsSync(file)) throw fail(`baseline '${named}' not found (looked for ${file}; it is relative to the policy file)`);
  try {
    return readBaseline(file, named);
  } catch (e) {
    if (e instanceof BaselineError) throw new PolicyFileError(path.join(path.dirname(policyFile), e.file), e.line, e.column, e.problem);
    throw e;
  }
}

/** Reads and validates a policy file (see parsePolicy). */
export function loadPolicyFile(file: string, rules: readonly Rule[] = allRules): FlowPolicy {
  let text: string;
  try {
    text = readTextFile(file, MAX_POLICY_FILE_BYTES);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.reason === "too-large") throw tooLarge(file);
    throw new PolicyFileError(file, 1, 1, e.reason === "unreadable" ? `cannot read the policy file (${e.code ?? e.problem})` : e.problem);
  }
  return parsePolicy(text, file, rules);
}

/**
 * Finds the policy file: an explicit path, else FLOW_POLICY_FILE, else `flow-policy.yaml` in the
 * given directories (first match). Relative paths resolve against `baseDir`. An explicitly named
 * file that does not exist is an error (fail closed); a missing default file is not.
 */
export function findPolicyFile(
  options: { explicit?: string; env?: Record<string, string | undefined>; baseDir?: string; searchDirs?: string[] } = {},
): string | undefined {
  const env = options.env ?? process.env;
  const base = options.baseDir ?? process.cwd();
  const named = options.explicit ?? (env[POLICY_FILE_ENV] || undefined);
  if (named) {
    const file = path.resolve(base, named);
    if (!fs.existsSync(file)) throw new PolicyFileError(file, 1, 1, `policy file not found (from ${options.explicit ? "--policy-file" : POLICY_FILE_ENV})`);
    return file;
  }
  for (const dir of options.searchDirs ?? [base]) {
    const file = path.resolve(dir, DEFAULT_POLICY_FILE);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** Loads the policy from findPolicyFile's result, or the default policy when there is none. */
export function loadPolicy(options: Parameters<typeof findPolicyFile>[0] = {}): FlowPolicy {
  const file = findPolicyFile(options);
  return file ? loadPolicyFile(file) : defaultPolicy();
}

// Ajv reports the anyOf branches and the wrapping error too; the most specific one reads best.
function pickError(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) =>
    e.keyword === "anyOf"
      ? 2
      : e.keyword === "required" && errors.some((o) => o.keyword === "anyOf" && o.instancePath === e.instancePath)
        ? 3
        : e.keyword === "if"
          ? 4
          : 0;
  return [...errors].sort((a, b) => rank(a) - rank(b) || b.instancePath.length - a.instancePath.length)[0];
}

function segments(pointer: string): Array<string | number> {
  return pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function keyNode(doc: Document, parent: Array<string | number>, key: string): Node | undefined {
  const map = parent.length ? doc.getIn(parent, true) : doc.contents;
  if (!yaml().isMap(map)) return undefined;
  const pair = map.items.find((p) => (yaml().isScalar(p.key) ? p.key.value : p.key) === key);
  return yaml().isNode(pair?.key) ? pair.key : undefined;
}

function locate(doc: Document, e: ErrorObject): { offset: number; problem: string } {
  const where = segments(e.instancePath);
  const valueNode = where.length ? doc.getIn(where, true) : doc.contents;
  const offsetOf = (n: unknown) => (yaml().isNode(n) && n.range ? n.range[0] : 0);
  const pathText = where.length
    ? where
        .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
        .join("")
        .replace(/^\./, "")
    : "the top level";
  // Errors inside `propertyNames` carry the offending key as e.propertyName.
  const keyword = (e as ErrorObject & { propertyName?: string }).propertyName ? "propertyNames" : e.keyword;
  switch (keyword) {
    case "propertyNames": {
      const bad = String((e as ErrorObject & { propertyName?: string }).propertyName ?? (e.params as { propertyName?: string }).propertyName);
      return { offset: offsetOf(keyNode(doc, where, bad)), problem: `unknown rule id '${bad}' under ${pathText}` };
    }
    case "additionalProperties": {
      const bad = String((e.params as { additionalProperty: string }).additionalProperty);
      return { offset: offsetOf(keyNode(doc, where, bad)), problem: `unknown key '${bad}' in ${pathText}` };
    }
    case "required": {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return {
        offset: offsetOf(valueNode),
        problem: `${pathText} is missing '${missing}'${missing === "reason" ? " (every exception needs a reason)" : missing === "expires" ? " (every exception needs an expiry date, YYYY-MM-DD)" : ""}`,
      };
    }
    case "anyOf":
      return { offset: offsetOf(valueNode), problem: `${pathText} must select integrations with 'integrations', 'vendor' or 'name'` };
    case "enum":
      return {
        offset: offsetOf(valueNode),
        problem: `${pathText} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "pattern":
      return { offset: offsetOf(valueNode), problem: `${pathText} must not be empty or only whitespace` };
    case "format":
      return {
        offset: offsetOf(valueNode),
        problem: `${pathText} must be a ${(e.params as { format: string }).format}${(e.params as { format: string }).format === "date" ? " (YYYY-MM-DD)" : ""}`,
      };
    default:
      return { offset: offsetOf(valueNode), problem: `${pathText} ${e.message ?? "is invalid"}` };
  }
}

/** The project file names Pulumi reads. */
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];
/** Folders never searched for a Pulumi project. */
const SKIPPED = new Set(["node_modules", ".git", ".pulumi", "dist"]);

/** The `name:` of the Pulumi project in `dir`, or undefined when there is none. */
function projectName(dir: string): string | undefined {
  for (const f of PROJECT_FILES) {
    try {
      return /^name:\s*["']?([^"'\s#]+)/m.exec(readTextFile(path.join(dir, f), MAX_PROJECT_FILE_BYTES))?.[1] ?? "";
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The Pulumi project directory seen from `pwd` (where pulumi was started): `pwd` or the nearest
 * folder above it with a Pulumi project, else — for `pulumi -C <dir>` — the one folder up to
 * three levels below `pwd` whose project is named `project`. Undefined when none (or several)
 * match. A policy pack needs this because the engine tells it the project's name, not its folder.
 */
export function findProjectDir(pwd: string, project: string | undefined): string | undefined {
  for (let dir = path.resolve(pwd), i = 0; i < 20; dir = path.dirname(dir), i++) {
    const name = projectName(dir);
    if (name !== undefined && (!project || name === project)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  if (!project) return undefined;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 3 || found.length > 1) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || SKIPPED.has(e.name) || e.name.startsWith(".")) continue;
      const sub = path.join(dir, e.name);
      if (projectName(sub) === project) found.push(sub);
      walk(sub, depth + 1);
    }
  };
  walk(path.resolve(pwd), 1);
  return found.length === 1 ? found[0] : undefined;
}
