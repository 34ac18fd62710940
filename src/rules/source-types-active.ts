import { count } from "../api/text";
import type { IntegrationRule } from "./types";
import { enabledSourceTypes, includesIgnoringCase, list, LIST_MAX, notApplicable, ok, schemaOf, shown, violation } from "./util";

/** Parameters of flow-integration-source-types-active. */
export interface SourceTypesActiveConfig {
  /** Source type statuses that count as active. */
  activeStatuses: string[];
}

const defaults: SourceTypesActiveConfig = { activeStatuses: ["active"] };

/** An enabled but inactive source type (e.g. pull requests) leaves a gap in Flow's metrics. */
export const sourceTypesActive: IntegrationRule<SourceTypesActiveConfig> = {
  scope: "integration",
  id: "flow-integration-source-types-active",
  title: "Source types active",
  description: "Checks that every enabled source type of an integration has status active.",
  severity: "medium",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    activeStatuses: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      description: "Source type status values (case-insensitive) that count as active.",
    },
  }),
  remediation: "In Flow, open the integration's source types and re-enable or re-sync the inactive ones (check the account still has access to them).",
  reads: ["enabled_source_types"],
  evaluate({ integration: i }, config) {
    const types = enabledSourceTypes(i);
    if (!types || types.length === 0) return notApplicable("has no enabled source types reported.", { enabled_source_types: i.enabled_source_types ?? null });
    const evidence = { enabled_source_types: types };
    const inactive = types.filter((t) => t.status !== null && !includesIgnoringCase(config.activeStatuses, t.status));
    if (inactive.length > 0) {
      const names = inactive.slice(0, LIST_MAX).map((t) => `${shown(t.name)} (${shown(t.status)})`);
      const more = inactive.length > LIST_MAX ? ` and ${inactive.length - LIST_MAX} more` : "";
      return violation(
        `has enabled source types that are not active: ${names.join(", ")}${more}.`,
        evidence,
        `In Flow, re-enable or re-sync ${list(inactive.map((t) => t.name))} for this integration.`,
      );
    }
    const unknown = types.filter((t) => t.status === null);
    if (unknown.length > 0) return notApplicable(`did not report a status for source types ${list(unknown.map((t) => t.name))}.`, evidence);
    return ok(`has ${count(types.length, "enabled source type")}, all active.`, evidence);
  },
};
