import type { IntegrationRule } from "./types";
import { error, notApplicable, ok, schemaOf, violation } from "./util";

/** Parameters of flow-integration-service-account. */
export interface ServiceAccountConfig {
  /** Regular expression (JavaScript syntax, whole username) service-account usernames match; null until configured. */
  usernamePattern: string | null;
  /** Auth types the rule applies to; empty means every integration that reports a username. */
  authTypes: string[];
}

const defaults: ServiceAccountConfig = { usernamePattern: null, authTypes: [] };

/** Integrations running on a person's account break when that person leaves. */
export const serviceAccount: IntegrationRule<ServiceAccountConfig> = {
  scope: "integration",
  id: "flow-integration-service-account",
  title: "Service account",
  description: "Checks that an integration authenticates as a service account whose username matches a configured pattern.",
  severity: "medium",
  enforcement: "disabled",
  defaults,
  configSchema: schemaOf(defaults, {
    usernamePattern: {
      type: ["string", "null"],
      description: 'Regular expression the whole username must match, e.g. "^flow-.*-svc$"; required when the rule is enabled.',
    },
    authTypes: {
      type: "array",
      items: { type: "string" },
      description: "Auth types the rule applies to; empty means all integrations that report a username.",
    },
  }),
  remediation: "In Flow, reconnect the integration with a dedicated service account whose username follows your naming pattern.",
  reads: ["username", "auth_type"],
  evaluate({ integration: i }, config) {
    const evidence = { username: i.username ?? null, auth_type: i.auth_type ?? null, usernamePattern: config.usernamePattern };
    if (!config.usernamePattern) return error("cannot be checked: the rule is enabled but usernamePattern is not configured.", evidence);
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${config.usernamePattern})$`);
    } catch (e) {
      return error(`cannot be checked: usernamePattern '${config.usernamePattern}' is not a valid regular expression (${(e as Error).message}).`, evidence);
    }
    if (config.authTypes.length > 0 && !config.authTypes.includes(i.auth_type ?? ""))
      return notApplicable(`uses auth type '${i.auth_type ?? "unknown"}', which the rule does not cover.`, evidence);
    if (!i.username) return notApplicable("does not report a username.", evidence);
    if (pattern.test(i.username)) return ok(`authenticates as service account '${i.username}'.`, evidence);
    return violation(`authenticates as '${i.username}', which does not match the service-account pattern /${config.usernamePattern}/.`, evidence);
  },
};
