#!/usr/bin/env node
// Writes docs/rules.md, the README's rules table, the settings table of docs/policy-file.md and
// flow-policy.schema.json from the rule metadata (run after `npm run build`).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { rules } = require("../dist/rules/index.js");
const { renderRulesDoc, withRulesTable, withGenerated, settingsTable, SETTINGS_TABLE_START, SETTINGS_TABLE_END } = require("../dist/docs/rules-doc.js");
const { POLICY_SCHEMA_FILE, renderPolicyFileSchema } = require("../dist/docs/policy-file-schema.js");

fs.mkdirSync(path.join(repo, "docs"), { recursive: true });
fs.writeFileSync(path.join(repo, "docs", "rules.md"), renderRulesDoc(rules));
const readme = path.join(repo, "README.md");
fs.writeFileSync(readme, withRulesTable(fs.readFileSync(readme, "utf8"), rules));
const policyDoc = path.join(repo, "docs", "policy-file.md");
fs.writeFileSync(
  policyDoc,
  withGenerated(fs.readFileSync(policyDoc, "utf8"), SETTINGS_TABLE_START, SETTINGS_TABLE_END, settingsTable(rules), "docs/policy-file.md"),
);
fs.writeFileSync(path.join(repo, POLICY_SCHEMA_FILE), renderPolicyFileSchema(rules));
console.log(`docs/rules.md, the README rules table, docs/policy-file.md's settings table and ${POLICY_SCHEMA_FILE}: ${rules.length} rules`);
