import { count } from "../api/text";
import { DEFAULT_HEALTHY_STATUSES, isConnected } from "../inventory/health";
import type { StackOutcome, StackRule } from "./types";
import { displayName, firstOf, schemaOf } from "./util";

/** Parameters of flow-required-vendors-present. */
export interface RequiredVendorsPresentConfig {
  /** Vendors (vendor_type) that need at least one connected integration; null until configured. */
  requiredVendors: string[] | null;
  /** Connection status values (case-insensitive) that count as connected. */
  healthyStatuses: string[];
}

const defaults: RequiredVendorsPresentConfig = { requiredVendors: null, healthyStatuses: [...DEFAULT_HEALTHY_STATUSES] };

/** A missing or disconnected Git host means whole teams vanish from Flow's reports. */
export const requiredVendorsPresent: StackRule<RequiredVendorsPresentConfig> = {
  scope: "stack",
  id: "flow-required-vendors-present",
  title: "Required vendors present",
  description: "Checks that each required vendor has at least one connected integration.",
  severity: "high",
  enforcement: "disabled",
  defaults,
  configSchema: schemaOf(defaults, {
    requiredVendors: {
      type: ["array", "null"],
      items: { type: "string" },
      description: 'Vendors that need at least one connected integration, e.g. ["github", "jira"]; required when the rule is enabled.',
    },
    healthyStatuses: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      description: "Connection status values (case-insensitive) that count as connected.",
    },
  }),
  remediation: "In Flow, add (or reconnect) an integration for the missing vendor under Settings > Integrations.",
  reads: ["vendor_type", "connection_status.status", "connection_status.connected"],
  evaluate(records, config) {
    if (!config.requiredVendors) {
      return [
        {
          status: "error",
          subject: "the required-vendor check",
          message: "cannot run: the rule is enabled but requiredVendors is not configured.",
          evidence: {},
        },
      ];
    }
    return config.requiredVendors.map((vendor): StackOutcome => {
      const mine = records.filter((r) => r.integration.vendor_type === vendor);
      const live = mine.filter((r) => isConnected(r, config.healthyStatuses));
      const evidence = { vendor, integrations: mine.map((r) => r.integration.id), connected: live.map((r) => r.integration.id) };
      const subject = `vendor '${vendor}'`;
      if (live.length > 0) return { status: "ok", subject, message: `has ${count(live.length, "connected integration")}.`, evidence };
      if (mine.length === 0) return { status: "violation", subject, message: "is required but has no integration in Flow.", evidence };
      return {
        status: "violation",
        subject,
        message: `is required but none of its integrations is connected (${firstOf(mine.map((r) => `'${displayName(r.integration)}' (id ${r.integration.id})`))}).`,
        evidence,
        remediation: `In Flow, reconnect one of the ${vendor} integrations (ids ${firstOf(mine.map((r) => String(r.integration.id)))}).`,
      };
    });
  },
};
