/**
 * `--vendor` and `--id`: the records they select, and no typo turned into a pass: a value that
 * matches nothing in Flow (or the snapshot) is a usage error naming it, and filters that exclude
 * each other are a warning naming them.
 */
import type { InventoryRecord } from "../api/types";
import { maskPersonalData } from "../inventory/privacy";
import type { AuditArgs } from "./args";
import { UsageError } from "./args";
import { count, plural } from "./terminal";

/** The vendors and ids there are before filtering. */
export interface Seen {
  vendors: ReadonlySet<string>;
  ids: ReadonlySet<number>;
}

/** The filter values the filtered records do not contain (each needs a look at what there is). */
export function unmatched(args: Pick<AuditArgs, "vendors" | "ids">, records: InventoryRecord[]): { vendors: string[]; ids: number[] } {
  const vendors = new Set(records.map((r) => r.integration.vendor_type));
  const ids = new Set(records.map((r) => r.integration.id));
  return { vendors: [...new Set(args.vendors)].filter((v) => !vendors.has(v)), ids: [...new Set(args.ids)].filter((id) => !ids.has(id)) };
}

/** The vendors and ids of unfiltered records. */
export function seenIn(records: Iterable<Pick<InventoryRecord["integration"], "id" | "vendor_type">>): Seen {
  const vendors = new Set<string>();
  const ids = new Set<number>();
  for (const r of records) {
    if (typeof r.vendor_type === "string") vendors.add(r.vendor_type);
    ids.add(r.id);
  }
  return { vendors, ids };
}

function filterText(args: Pick<AuditArgs, "vendors" | "ids">): string {
  return [args.vendors.length ? `--vendor ${args.vendors.join(",")}` : "", args.ids.length ? `--id ${args.ids.join(",")}` : ""].filter(Boolean).join(" ");
}

/**
 * Checks the filters against what was there before filtering (`where`: "in Flow", "in the
 * snapshot"). Throws a UsageError for vendors or ids that do not exist there; returns warnings
 * for values the other filter excluded, for a filtered result that is empty, and for an
 * inventory that is empty without filters.
 */
export function checkFilters(args: Pick<AuditArgs, "vendors" | "ids">, records: InventoryRecord[], seen: Seen | undefined, where: string): string[] {
  const filtered = args.vendors.length > 0 || args.ids.length > 0;
  if (!filtered) return records.length === 0 ? [`0 integrations ${where}, so nothing was evaluated`] : [];
  const missing = unmatched(args, records);
  if (!missing.vendors.length && !missing.ids.length) return [];
  const all = seen ?? seenIn(records.map((r) => r.integration));
  const problems: string[] = [];
  const unknownVendors = missing.vendors.filter((v) => !all.vendors.has(v));
  if (unknownVendors.length) {
    const known = [...all.vendors].sort();
    problems.push(
      `--vendor ${unknownVendors.map((v) => `'${v}'`).join(", ")}: no integration of ${plural(unknownVendors.length, "this vendor", "these vendors")} ${where} ` +
        `(${known.length ? `vendors ${where}: ${known.join(", ")}` : `there are no integrations ${where}`})`,
    );
  }
  const unknownIds = missing.ids.filter((id) => !all.ids.has(id));
  if (unknownIds.length) problems.push(`--id ${unknownIds.join(", ")}: no integration with ${plural(unknownIds.length, "this id", "these ids")} ${where}`);
  if (problems.length) throw new UsageError(problems.join("; "));
  // Every value exists, but the two filters exclude each other for some of them.
  if (records.length === 0)
    return [`no integration matches ${filterText(args)} (each value exists ${where}, but not together), so 0 integrations were evaluated`];
  const left = [...missing.vendors.map((v) => `--vendor ${v}`), ...missing.ids.map((id) => `--id ${id}`)];
  return [`${left.join(", ")} matched no integration together with the other filter (${filterText(args)}); ${count(records.length, "integration")} evaluated`];
}

/** The records --vendor and --id select (a snapshot's, or an earlier run's). */
export function filterRecords(records: InventoryRecord[], args: Pick<AuditArgs, "vendors" | "ids">): InventoryRecord[] {
  return records.filter(
    (r) => (!args.vendors.length || args.vendors.includes(r.integration.vendor_type)) && (!args.ids.length || args.ids.includes(r.integration.id)),
  );
}

/** An earlier inventory as this run sees its own: personal data masked unless shown, then filtered by --vendor and --id. */
export function asThisRun(records: InventoryRecord[], args: Pick<AuditArgs, "vendors" | "ids" | "showPersonalData">): InventoryRecord[] {
  return filterRecords(args.showPersonalData ? records : maskPersonalData(records), args);
}
