import example from "../../../src/api/examples/published-integration.json";
import type { Integration, InventoryRecord } from "../../../src/api/types";
import { evaluateIntegrationRule, evaluateStackRule } from "../../../src/rules/evaluate";
import type { Rule } from "../../../src/rules/types";
import { resolveRuleConfig } from "../../../src/rules/util";

/** The reference time of every rule test. */
export const NOW = new Date("2026-06-15T12:00:00Z");
export const ctx = { now: NOW };

/** Flow's published example response, verbatim (a fresh copy). */
export function published(): Integration {
  return structuredClone(example) as Integration;
}

/**
 * The published example made compliant with every rule's defaults, changing only what it must
 * (webhooks on, one exclusion rule fewer, repositories synced a day before NOW, in Flow's naive
 * timestamp form); tests change one more thing each.
 */
export function healthy(overrides: Partial<Integration> = {}): InventoryRecord {
  const integration: Integration = {
    ...published(),
    webhooks_enabled: true,
    exclusion_rule_count: 0,
    has_repos: true,
    source_projects_last_updated: "2026-06-14T12:00:00.000000",
    ...overrides,
  };
  return { integration, connectionStatus: { status: "connected", connected: true } };
}

/** A second compliant integration with another id and name. */
export function another(id: number, overrides: Partial<Integration> = {}): InventoryRecord {
  return healthy({ id, name: `Integration ${id}`, ...overrides });
}

/** The example's enabled source types with one field changed in each (by source type name). */
export function sourceTypes(change: Record<string, Record<string, unknown>> = {}): Integration["enabled_source_types"] {
  return published().enabled_source_types!.map((t) => (typeof t === "string" ? t : { ...t, ...(change[t.source_type_name] ?? {}) }));
}

/** Runs an integration rule on a record with parameters (defaults filled in, as the engine does). */
export function run(rule: Extract<Rule, { scope: "integration" }>, record: InventoryRecord, params: Record<string, unknown> = {}) {
  return evaluateIntegrationRule(rule, record, resolveRuleConfig(rule, params), ctx);
}

/** Runs a stack rule over records with parameters. */
export function runStack(rule: Extract<Rule, { scope: "stack" }>, records: InventoryRecord[], params: Record<string, unknown> = {}) {
  return evaluateStackRule(rule, records, resolveRuleConfig(rule, params), ctx);
}
