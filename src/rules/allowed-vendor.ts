import type { IntegrationRule } from "./types";
import { error, list, ok, schemaOf, shown, violation } from "./util";

/** Parameters of flow-integration-allowed-vendor. */
export interface AllowedVendorConfig {
  /** Allowed vendor_type values; null until configured. */
  allowedVendors: string[] | null;
}

const defaults: AllowedVendorConfig = { allowedVendors: null };

/** Keeps shadow integrations (an unapproved Git host or tracker) out of Flow. */
export const allowedVendor: IntegrationRule<AllowedVendorConfig> = {
  scope: "integration",
  id: "flow-integration-allowed-vendor",
  title: "Allowed vendor",
  description: "Checks that each integration's vendor is in the configured allowlist.",
  severity: "low",
  enforcement: "disabled",
  defaults,
  configSchema: schemaOf(defaults, {
    allowedVendors: {
      type: ["array", "null"],
      items: { type: "string" },
      description: 'Allowed vendor_type values, e.g. ["github", "jira"]; required when the rule is enabled.',
    },
  }),
  remediation: "Remove the integration from Flow, or add its vendor to allowedVendors if it was approved.",
  reads: ["vendor_type"],
  evaluate({ integration: i }, config) {
    const evidence = { vendor_type: i.vendor_type, allowedVendors: config.allowedVendors };
    if (!config.allowedVendors) return error("cannot be checked: the rule is enabled but allowedVendors is not configured.", evidence);
    if (config.allowedVendors.includes(i.vendor_type)) return ok(`is from allowed vendor '${shown(i.vendor_type)}'.`, evidence);
    return violation(`is from vendor '${shown(i.vendor_type)}', which is not allowed (allowed: ${list(config.allowedVendors) || "none"}).`, evidence);
  },
};
