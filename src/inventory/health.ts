/**
 * What the inventory's records say about an integration's health, decided once for the rules,
 * the summary outputs and the CLI alike: connection health, webhook support, last sync.
 */
import { parseFlowTimestamp } from "../api/time";
import type { ConnectionStatus, Integration, InventoryRecord } from "../api/types";

/** The connection statuses counted as healthy when nothing configures them. */
export const DEFAULT_HEALTHY_STATUSES: readonly string[] = ["connected"];

/**
 * A connection's health, from `status` (compared case-insensitively) and the `connected` flag.
 * `conflicting` when the body says both and they disagree (`"status": "connected"` with
 * `"connected": false`): the body is undocumented, so a contradiction is a data problem, never a pass.
 */
export type ConnectionHealth = "healthy" | "unhealthy" | "unknown" | "conflicting";

/** The health a connection-status body reports (`unknown` when it says neither, or was not read). */
export function connectionHealth(status: ConnectionStatus | undefined, healthyStatuses: readonly string[] = DEFAULT_HEALTHY_STATUSES): ConnectionHealth {
  if (!status) return "unknown";
  const flag = typeof status.connected === "boolean" ? status.connected : undefined;
  if (typeof status.status === "string") {
    const s = status.status.toLowerCase();
    const healthy = healthyStatuses.some((h) => h.toLowerCase() === s);
    if (flag !== undefined && flag !== healthy) return "conflicting";
    return healthy ? "healthy" : "unhealthy";
  }
  if (flag === undefined) return "unknown";
  return flag ? "healthy" : "unhealthy";
}

/** Whether a record's connection is healthy (a missing or unreadable status is not). */
export function isConnected(record: InventoryRecord, healthyStatuses: readonly string[] = DEFAULT_HEALTHY_STATUSES): boolean {
  return connectionHealth(record.connectionStatus, healthyStatuses) === "healthy";
}

/** Whether webhooks are off although the vendor supports them. */
export function webhooksOff(i: Pick<Integration, "webhooks_enabled" | "vendor_meta">): boolean {
  return i.vendor_meta?.enable_webhooks === true && i.webhooks_enabled !== true;
}

/** When the integration's projects last synced (ms since the epoch), or undefined when never or unreadable. */
export function lastSync(i: Pick<Integration, "source_projects_last_updated">): number | undefined {
  return parseFlowTimestamp(i.source_projects_last_updated);
}

/** Days since the last sync at `now`, or undefined when it never synced (or the time is unreadable). */
export function syncAgeDays(i: Pick<Integration, "source_projects_last_updated">, now: Date): number | undefined {
  const t = lastSync(i);
  return t === undefined ? undefined : (now.getTime() - t) / 86_400_000;
}
