/** A compact, typed view of an inventory for stack outputs and reports. */
import type { InventoryRecord } from "../api/types";
import { isConnected, syncAgeDays, webhooksOff } from "./health";

/** A compact, typed view of an inventory for stack outputs. */
export interface InventorySummary {
  total: number;
  byVendor: Record<string, number>;
  byAuthType: Record<string, number>;
  /** Ids whose connection status is not healthy (or was not read). */
  disconnected: number[];
  /** Ids with webhooks off although the vendor supports them. */
  webhooksOff: number[];
  /** Ids with repositories whose last sync is older than `staleAfterDays` (or unknown). */
  notRecentlySynced: number[];
}

/** Options of summarize. */
export interface SummaryOptions {
  /** Days after which a sync counts as stale (default 7). */
  staleAfterDays?: number | undefined;
  /** Connection status values that count as healthy (default ["connected"]). */
  healthyStatuses?: string[] | undefined;
  /** Reference time (default now). */
  now?: Date | undefined;
}

/** Counts by value; a Map, so values such as `__proto__` or `constructor` from Flow are just keys. */
function count(values: unknown[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const v of values.map(String).sort()) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Object.fromEntries(counts);
}

/** Summarises an inventory: counts by vendor and auth type, and the ids that need attention. */
export function summarize(records: InventoryRecord[], options: SummaryOptions = {}): InventorySummary {
  const now = options.now ?? new Date();
  const maxAge = options.staleAfterDays ?? 7;
  const ids = (pred: (r: InventoryRecord) => boolean) =>
    records
      .filter(pred)
      .map((r) => r.integration.id)
      .sort((a, b) => a - b);
  return {
    total: records.length,
    byVendor: count(records.map((r) => r.integration.vendor_type)),
    byAuthType: count(records.map((r) => r.integration.auth_type ?? "unknown")),
    disconnected: ids((r) => !isConnected(r, options.healthyStatuses)),
    webhooksOff: ids((r) => webhooksOff(r.integration)),
    notRecentlySynced: ids((r) => {
      if (r.integration.has_repos !== true) return false;
      const age = syncAgeDays(r.integration, now);
      return age === undefined || age > maxAge;
    }),
  };
}
