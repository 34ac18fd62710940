import type { IntegrationRule } from "./types";
import { error, notApplicable, ok, schemaOf, vendorTitle, violation } from "./util";

/** Parameters of flow-integration-webhooks-enabled. */
export interface WebhooksEnabledConfig {
  /** Vendors for which webhooks are not required even when supported. */
  ignoreVendors: string[];
}

const defaults: WebhooksEnabledConfig = { ignoreVendors: [] };

/** Webhooks keep Flow's data current between polls; off means stale metrics. */
export const webhooksEnabled: IntegrationRule<WebhooksEnabledConfig> = {
  scope: "integration",
  id: "flow-integration-webhooks-enabled",
  title: "Webhooks enabled",
  description: "Checks that webhooks are turned on for integrations whose vendor supports them.",
  severity: "high",
  enforcement: "mandatory",
  defaults,
  configSchema: schemaOf(defaults, {
    ignoreVendors: { type: "array", items: { type: "string" }, description: "Vendors (vendor_type) exempt from this rule." },
  }),
  remediation: "In Flow, open Settings > Integrations, edit the integration and turn on webhooks (the Git host account needs permission to create webhooks).",
  reads: ["vendor_type", "webhooks_enabled", "vendor_meta.enable_webhooks"],
  evaluate({ integration: i }, config) {
    const supported = i.vendor_meta?.enable_webhooks;
    const evidence = { webhooks_enabled: i.webhooks_enabled ?? null, "vendor_meta.enable_webhooks": supported ?? null };
    if (config.ignoreVendors.includes(i.vendor_type)) return notApplicable(`is from vendor '${i.vendor_type}', which the configuration exempts.`, evidence);
    if (supported === false) return notApplicable(`is from a vendor without webhook support.`, evidence);
    if (supported !== true)
      return error(`did not report whether its vendor supports webhooks (vendor_meta.enable_webhooks is missing), so the rule cannot decide.`, evidence);
    if (i.webhooks_enabled === true) return ok("has webhooks on.", evidence);
    if (i.webhooks_enabled === false) return violation(`has webhooks off although ${vendorTitle(i)} supports them.`, evidence);
    return error("did not report webhooks_enabled, so the rule cannot decide.", evidence);
  },
};
