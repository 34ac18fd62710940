/** `flow-audit --list-rules`: every rule with the level the policy file gives it, as a table or JSON. */
import { ruleSettings } from "../rules/evaluate";
import type { FlowPolicy, Rule } from "../rules/types";
import { ruleHelpUri } from "../rules/util";
import { count, hanging, wrap } from "./terminal";

/** One rule as `--list-rules --format json` lists it (the field names of the JSON report's `rules[]`, plus scope). */
export interface ListedRule {
  id: string;
  title: string;
  scope: "integration" | "stack";
  /** The level after the policy file: mandatory, advisory or disabled. */
  enforcement: string;
  severity: string;
  description: string;
  helpUri: string;
}

/** The rules with their effective levels. */
export function listedRules(rules: readonly Rule[], policy: FlowPolicy): ListedRule[] {
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    scope: r.scope,
    enforcement: ruleSettings(policy, r).enforcement,
    severity: r.severity,
    description: r.description,
    helpUri: ruleHelpUri(r.id),
  }));
}

/** The rule list in `format` (table: one line per rule, its description wrapped under it). */
export function renderRuleList(rules: readonly Rule[], policy: FlowPolicy, format: "table" | "json", width: number): string {
  const listed = listedRules(rules, policy);
  if (format === "json") return `${JSON.stringify({ policyFile: policy.file ?? null, rules: listed }, null, 2)}\n`;
  const idWidth = Math.max(4, ...listed.map((r) => r.id.length));
  // Columns when they fit the width (rule ids are ASCII), else "id (level, severity)" wrapped.
  const columns = idWidth + 2 + 9 + 2 + 8 <= width;
  const row = (id: string, level: string, severity: string) =>
    columns ? [`${id.padEnd(idWidth)}  ${level.padEnd(9)}  ${severity}`] : wrap(`${id} (${level}, ${severity})`, width);
  const lines = [...wrap(`${count(listed.length, "rule")} (levels from ${policy.file ?? "the defaults: no policy file"})`, width), ""];
  if (columns) lines.push(...row("RULE", "LEVEL", "SEVERITY"));
  for (const r of listed) lines.push(...row(r.id, r.enforcement, r.severity), ...hanging("    ", r.description, width));
  return `${lines.join("\n")}\n`;
}
