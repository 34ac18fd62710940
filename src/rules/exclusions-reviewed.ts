import { count } from "../api/text";
import type { IntegrationRule } from "./types";
import { list, ok, schemaOf, violation } from "./util";

/** Parameters of flow-integration-exclusions-reviewed. */
export interface ExclusionsReviewedConfig {
  /** Project owners/groups that may be excluded. */
  allowedExcludedOwners: string[];
  /** Maximum number of exclusion rules per integration. */
  maxExclusionRules: number;
}

const defaults: ExclusionsReviewedConfig = { allowedExcludedOwners: [], maxExclusionRules: 0 };

/** Exclusions hide repositories from Flow's metrics; each should be a reviewed decision. */
export const exclusionsReviewed: IntegrationRule<ExclusionsReviewedConfig> = {
  scope: "integration",
  id: "flow-integration-exclusions-reviewed",
  title: "Exclusions reviewed",
  description: "Checks that excluded project owners are in a reviewed allowlist and that exclusion rules stay within a maximum.",
  severity: "low",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    allowedExcludedOwners: { type: "array", items: { type: "string" }, description: "Project owners/groups whose exclusion has been reviewed." },
    maxExclusionRules: { type: "integer", minimum: 0, description: "Maximum number of exclusion rules per integration (exclusion_rule_count)." },
  }),
  remediation:
    "Review the exclusions in Flow (Repos available / exclusion rules): remove the ones no longer wanted, or record the reviewed ones in allowedExcludedOwners / maxExclusionRules.",
  reads: ["excluded_project_owners", "exclusion_rule_count"],
  evaluate({ integration: i }, config) {
    const owners = i.excluded_project_owners ?? [];
    const exclusionRules = i.exclusion_rule_count ?? null;
    const evidence = { excluded_project_owners: owners, exclusion_rule_count: exclusionRules };
    const unreviewed = owners.filter((o) => !config.allowedExcludedOwners.includes(o));
    const problems: string[] = [];
    if (unreviewed.length) problems.push(`excludes project owners not in the reviewed list: ${list(unreviewed)}`);
    if (exclusionRules !== null && exclusionRules > config.maxExclusionRules)
      problems.push(`has ${count(exclusionRules, "exclusion rule")} (maximum ${config.maxExclusionRules})`);
    if (problems.length === 0) return ok(owners.length || exclusionRules ? "has only reviewed exclusions." : "has no exclusions.", evidence);
    return violation(`${problems.join("; it ")}.`, evidence);
  },
};
