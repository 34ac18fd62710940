import type { IntegrationRule } from "./types";
import { error, list, ok, perVendor, shown, schemaOf, vendorListsSchema, vendorTitle, violation } from "./util";

/** Parameters of flow-integration-allowed-auth-type. */
export interface AllowedAuthTypeConfig {
  /** Auth types allowed for every vendor without its own list. */
  allowedAuthTypes: string[];
  /** Per-vendor allowlists (vendor_type → auth types), replacing the default list for that vendor. */
  vendorAllowedAuthTypes: Record<string, string[]>;
}

const defaults: AllowedAuthTypeConfig = { allowedAuthTypes: ["oauth", "app", "token"], vendorAllowedAuthTypes: {} };

/** Basic credentials stored in Flow are the weakest option and break when passwords rotate. */
export const allowedAuthType: IntegrationRule<AllowedAuthTypeConfig> = {
  scope: "integration",
  id: "flow-integration-allowed-auth-type",
  title: "Allowed auth type",
  description: "Checks that each integration authenticates with an allowed auth type (by default OAuth, app or token, never stored username and password).",
  severity: "high",
  enforcement: "mandatory",
  defaults,
  configSchema: schemaOf(defaults, {
    allowedAuthTypes: { type: "array", items: { type: "string" }, description: "Auth types (auth_type) allowed for vendors without their own list." },
    vendorAllowedAuthTypes: vendorListsSchema('Per-vendor allowlists, e.g. {"jira": ["oauth"]}; replaces allowedAuthTypes for that vendor.'),
  }),
  remediation: "In Flow, reconnect the integration with OAuth, an app installation or an access token of a service account, then delete the stored password.",
  reads: ["vendor_type", "auth_type"],
  evaluate({ integration: i }, config) {
    const allowed = perVendor(i.vendor_type, config.vendorAllowedAuthTypes, config.allowedAuthTypes);
    const evidence = { auth_type: i.auth_type ?? null, allowed };
    if (!i.auth_type) return error("did not report its auth_type, so the rule cannot decide.", evidence);
    if (allowed.includes(i.auth_type)) return ok(`uses the allowed auth type '${i.auth_type}'.`, evidence);
    return violation(
      `uses auth type '${shown(i.auth_type)}', which is not allowed for ${vendorTitle(i)} integrations (allowed: ${list(allowed) || "none"}).`,
      evidence,
      `In Flow, reconnect the integration using ${list(allowed, "or") || "an allowed auth type"}${i.auth_type === "userpass" ? " instead of a stored username and password" : ""}.`,
    );
  },
};
