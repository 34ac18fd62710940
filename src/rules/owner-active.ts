import type { IntegrationRule } from "./types";
import { notApplicable, ok, schemaOf, shown, userState, violation } from "./util";

/** Parameters of flow-integration-owner-active. */
export interface OwnerActiveConfig {
  /** Also check the user who last updated the integration (updated_by). */
  checkUpdatedBy: boolean;
}

const defaults: OwnerActiveConfig = { checkUpdatedBy: true };

/** Integrations owned by deactivated users tend to lose their credentials when the account is cleaned up. */
export const ownerActive: IntegrationRule<OwnerActiveConfig> = {
  scope: "integration",
  id: "flow-integration-owner-active",
  title: "Owner active",
  description: "Checks that the user who created an integration, and the one who last updated it, are active Flow users.",
  severity: "medium",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    checkUpdatedBy: { type: "boolean", description: "Also check the user who last updated the integration (updated_by)." },
  }),
  remediation:
    "In Flow, have an active owner (ideally a service account) re-save or re-authorise the integration so it no longer depends on the deactivated user.",
  reads: ["created_by", "updated_by"],
  evaluate({ integration: i }, config) {
    const roles: Array<[string, typeof i.created_by]> = [["created_by", i.created_by]];
    if (config.checkUpdatedBy) roles.push(["updated_by", i.updated_by]);
    const states = roles.map(([field, ref]) => ({ field, ref, ...userState(ref) }));
    const evidence = Object.fromEntries(states.map((s) => [s.field, s.state === "none" ? null : { id: s.id, state: s.state }]));
    const inactive = states.filter((s) => s.state === "inactive");
    if (inactive.length > 0) {
      const who = inactive.map((s) => `${s.field} user ${describeUser(s.ref)}`).join(" and ");
      return violation(`depends on a deactivated user: ${who}.`, evidence);
    }
    const unknown = states.filter((s) => s.state === "unknown");
    if (unknown.length > 0) return notApplicable(`cannot be checked: ${unknown.map((s) => `${s.field} ${s.why}`).join("; ")}.`, evidence);
    if (states.every((s) => s.state === "none")) return notApplicable("has no creator or updater recorded.", evidence);
    return ok("is owned by active users.", evidence);
  },
};

function describeUser(ref: unknown): string {
  if (ref && typeof ref === "object") {
    const u = ref as { id?: number; user_id?: number | null; name?: string | null };
    const id = u.id ?? u.user_id ?? "unknown";
    return u.name ? `'${shown(u.name)}' (id ${shown(id)})` : `id ${shown(id)}`;
  }
  return shown(ref);
}
