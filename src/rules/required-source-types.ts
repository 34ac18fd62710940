import { plural } from "../api/text";
import type { IntegrationRule } from "./types";
import {
  enabledSourceTypeNames,
  list,
  notApplicable,
  offeredSourceTypes,
  ok,
  perVendor,
  schemaOf,
  shown,
  vendorListsSchema,
  vendorTitle,
  violation,
} from "./util";

/** Parameters of flow-integration-required-source-types. */
export interface RequiredSourceTypesConfig {
  /** Source types required where the vendor offers them. */
  requiredSourceTypes: string[];
  /** Per-vendor lists (vendor_type → source types), replacing the default for that vendor. */
  vendorRequiredSourceTypes: Record<string, string[]>;
}

const defaults: RequiredSourceTypesConfig = { requiredSourceTypes: ["repo", "pull_request"], vendorRequiredSourceTypes: {} };

/** Without repos and pull requests, Flow's code-review metrics stay empty for that integration. */
export const requiredSourceTypes: IntegrationRule<RequiredSourceTypesConfig> = {
  scope: "integration",
  id: "flow-integration-required-source-types",
  title: "Required source types",
  description: "Checks that the required source types (by default repo and pull_request) are enabled wherever the vendor offers them.",
  severity: "medium",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    requiredSourceTypes: { type: "array", items: { type: "string" }, description: "Source types that must be enabled when the vendor offers them." },
    vendorRequiredSourceTypes: vendorListsSchema("Per-vendor required source types, replacing requiredSourceTypes for that vendor."),
  }),
  remediation: "In Flow, edit the integration and enable the missing source types.",
  reads: ["vendor_type", "vendor_meta.services.name", "enabled_source_types", "source_type_names"],
  evaluate({ integration: i }, config) {
    const required = perVendor(i.vendor_type, config.vendorRequiredSourceTypes, config.requiredSourceTypes);
    const offered = offeredSourceTypes(i);
    const enabled = enabledSourceTypeNames(i);
    const evidence = { required, offered: offered ?? null, enabled: enabled ?? null };
    if (required.length === 0) return notApplicable(`has no required source types configured for ${shown(i.vendor_type)}.`, evidence);
    if (!offered)
      return notApplicable("did not report which source types its vendor offers (vendor_meta.services), so required ones cannot be told apart.", evidence);
    const applicable = required.filter((t) => offered.includes(t));
    if (applicable.length === 0) return notApplicable(`is from a vendor that offers none of ${list(required)}.`, evidence);
    if (!enabled) return notApplicable("did not report its enabled source types.", evidence);
    const missing = applicable.filter((t) => !enabled.includes(t));
    if (missing.length === 0) return ok(`has the required source types ${list(applicable)} enabled.`, evidence);
    return violation(
      `does not have ${list(missing)} enabled although ${vendorTitle(i)} offers ${plural(missing.length, "it", "them")}.`,
      evidence,
      `In Flow, edit the integration and enable ${list(missing)}.`,
    );
  },
};
