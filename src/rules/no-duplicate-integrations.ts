import { plural } from "../api/text";
import type { Integration } from "../api/types";
import type { StackOutcome, StackRule } from "./types";
import { displayVendor, firstOf, schemaOf, shown } from "./util";

/** Fields that identify an integration besides its vendor. */
export type DuplicateKey = "name" | "username";

/** Parameters of flow-no-duplicate-integrations. */
export interface NoDuplicateIntegrationsConfig {
  /** Integrations of the same vendor are duplicates when any of these fields match (case-insensitive). */
  matchOn: DuplicateKey[];
}

const defaults: NoDuplicateIntegrationsConfig = { matchOn: ["name"] };

function keyOf(i: Integration, field: DuplicateKey): string | undefined {
  const v = field === "name" ? i.name : i.username;
  return typeof v === "string" && v.trim() ? `${i.vendor_type}\u0000${v.trim().toLowerCase()}` : undefined;
}

/** Duplicate integrations double-count activity and confuse ownership. */
export const noDuplicateIntegrations: StackRule<NoDuplicateIntegrationsConfig> = {
  scope: "stack",
  id: "flow-no-duplicate-integrations",
  title: "No duplicate integrations",
  description: "Checks that no two integrations of the same vendor share a name (or, when configured, a username).",
  severity: "low",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    matchOn: {
      type: "array",
      items: { type: "string", enum: ["name", "username"] },
      uniqueItems: true,
      description: 'Fields that make two integrations of the same vendor duplicates: "name", "username" or both.',
    },
  }),
  remediation: "In Flow, delete the redundant integration, or rename it so each integration of a vendor is unambiguous.",
  reads: ["vendor_type", "name", "username"],
  evaluate(records, config) {
    const groups = new Map<string, Integration[]>();
    for (const { integration } of records) {
      for (const field of config.matchOn) {
        const key = keyOf(integration, field);
        if (key === undefined) continue;
        const k = `${field}\u0000${key}`;
        groups.set(k, [...(groups.get(k) ?? []), integration]);
      }
    }
    return records.map(({ integration: i }): StackOutcome => {
      const clashes = config.matchOn.flatMap((field) => {
        const key = keyOf(i, field);
        const group = key === undefined ? [] : (groups.get(`${field}\u0000${key}`) ?? []);
        const others = group.filter((o) => o.id !== i.id);
        return others.length ? [{ field, value: field === "name" ? i.name : i.username, others: others.map((o) => o.id) }] : [];
      });
      if (clashes.length === 0) return { status: "ok", integration: i, message: "has no duplicate.", evidence: { matchOn: config.matchOn } };
      const what = clashes
        .map((c) => `its ${c.field} '${shown(c.value)}' with ${plural(c.others.length, "integration")} ${firstOf(c.others.map(String))}`)
        .join(" and ");
      return {
        status: "violation",
        integration: i,
        message: `duplicates another ${displayVendor(i)} integration: it shares ${what}.`,
        evidence: { duplicates: clashes },
      };
    });
  },
};
