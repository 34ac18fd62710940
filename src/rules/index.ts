import { allowedAuthType } from "./allowed-auth-type";
import { allowedVendor } from "./allowed-vendor";
import { connected } from "./connected";
import { exclusionsReviewed } from "./exclusions-reviewed";
import { noDuplicateIntegrations } from "./no-duplicate-integrations";
import { ownerActive } from "./owner-active";
import { processingHealthy } from "./processing-healthy";
import { recentlySynced } from "./recently-synced";
import { requiredSourceTypes } from "./required-source-types";
import { requiredVendorsPresent } from "./required-vendors-present";
import { serviceAccount } from "./service-account";
import { sourceTypesActive } from "./source-types-active";
import type { Rule } from "./types";
import { webhooksEnabled } from "./webhooks-enabled";

/** Every rule, in report order. To add a rule: one file in src/rules/, one entry here, `npm run generate`. */
export const rules: readonly Rule[] = [
  webhooksEnabled,
  allowedAuthType,
  connected,
  sourceTypesActive,
  requiredSourceTypes,
  processingHealthy,
  recentlySynced,
  ownerActive,
  serviceAccount,
  allowedVendor,
  exclusionsReviewed,
  requiredVendorsPresent,
  noDuplicateIntegrations,
];

/** The rule with this id, or undefined. */
export function findRule(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}

export {
  allowedAuthType,
  allowedVendor,
  connected,
  exclusionsReviewed,
  noDuplicateIntegrations,
  ownerActive,
  processingHealthy,
  recentlySynced,
  requiredSourceTypes,
  requiredVendorsPresent,
  serviceAccount,
  sourceTypesActive,
  webhooksEnabled,
};
