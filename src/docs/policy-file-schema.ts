import { policyFileJsonSchema } from "../config/policy-file";
import type { Rule } from "../rules/types";

/** Where the policy file's JSON schema is written (repository root; shipped as `pulumi-flow/flow-policy.schema.json`). */
export const POLICY_SCHEMA_FILE = "flow-policy.schema.json";

/** flow-policy.schema.json, rendered from the rules' metadata. */
export function renderPolicyFileSchema(rules: readonly Rule[]): string {
  return `${JSON.stringify(policyFileJsonSchema(rules), null, 2)}\n`;
}
