import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { repoRoot } from "./paths";

// The OASIS SARIF 2.1.0 schema (Errata 01), vendored verbatim: source and licence in test/fixtures/sarif/README.md.
const SCHEMA = path.join(repoRoot, "test", "fixtures", "sarif", "sarif-schema-2.1.0.json");

let validate: ReturnType<Ajv["compile"]> | undefined;

/** What is wrong with a SARIF log by the SARIF 2.1.0 JSON schema, one line per problem (where, what); empty when it is valid. */
export function sarifSchemaProblems(log: unknown): string[] {
  if (!validate) {
    // The schema as published: `required` names properties that a branch of `anyOf` does not
    // redeclare (strictRequired), and one pattern (a language tag's) is not a valid /u regex.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")));
  }
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}`.trim());
}
