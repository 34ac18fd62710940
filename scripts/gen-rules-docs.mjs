#!/usr/bin/env node
// Writes docs/rules.md and the README's rules table from the rule metadata (run after `npm run build`).
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { rules } = require("../dist/rules/index.js");
const { renderRulesDoc, withRulesTable } = require("../dist/docs/rules-doc.js");

fs.mkdirSync(path.join(repo, "docs"), { recursive: true });
fs.writeFileSync(path.join(repo, "docs", "rules.md"), renderRulesDoc(rules));
const readme = path.join(repo, "README.md");
fs.writeFileSync(readme, withRulesTable(fs.readFileSync(readme, "utf8"), rules));
console.log(`docs/rules.md and the README rules table: ${rules.length} rules`);
