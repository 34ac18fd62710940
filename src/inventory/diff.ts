/**
 * What changed between two readings of an inventory: per-field paths for one record (the
 * provider's diff), and added / removed / changed integrations (flow-audit's snapshot diff).
 * Volatile fields — timestamps that move with every sync or check — are kept in state and
 * reports but never count as a change.
 */
import type { InventoryRecord } from "../api/types";

/** Fields that change with every sync or status check; a diff ignores them (documented in docs/stack.md). */
export const VOLATILE_FIELDS: readonly string[] = ["source_projects_last_updated", "last_checked_at", "last_synced_at"];

/** A copy of a JSON value without its volatile fields, at any depth. */
export function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !VOLATILE_FIELDS.includes(k))
        .map(([k, v]) => [k, withoutVolatile(v)]),
    );
  }
  return value;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The keys of an object that hold a value (JSON drops undefined ones). */
const definedKeys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);

/**
 * Whether two JSON values are equal, whatever the order of their objects' keys (state read back
 * from the engine may order keys differently from Flow's response), at any depth.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (!isObj(a) || !isObj(b)) return false;
  const keys = definedKeys(a);
  return keys.length === definedKeys(b).length && keys.every((k) => sameJson(a[k], b[k]));
}

/** Paths (a.b.c) whose values differ between two JSON values (key order aside); keys starting with "__" are ignored. */
export function changedPaths(olds: unknown, news: unknown, prefix = ""): string[] {
  return changedKeyPaths(olds, news).map((keys) => [...(prefix ? [prefix] : []), ...keys].join(".") || ".");
}

/** The key paths whose values differ between two JSON values (arrays compare whole); keys starting with "__" are ignored. */
export function changedKeyPaths(olds: unknown, news: unknown, prefix: string[] = []): string[][] {
  if (sameJson(olds, news)) return [];
  if (!isObj(olds) || !isObj(news)) return [prefix];
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)].filter((k) => !k.startsWith("__")));
  return [...keys].sort().flatMap((k) => changedKeyPaths(olds[k], news[k], [...prefix, k]));
}

/** A key path in the engine's property path syntax: `integration.webhooks_enabled`, `a["odd.key"]`. */
export function propertyPath(keys: string[]): string {
  return keys.map((k, i) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (i === 0 ? k : `.${k}`) : `[${JSON.stringify(k)}]`)).join("");
}

/** An integration whose settings changed between two readings. */
export interface ChangedIntegration {
  id: number;
  name: string;
  vendor: string;
  /** Changed field paths, e.g. "integration.webhooks_enabled", "connectionStatus.status". */
  fields: string[];
}

/** What changed in the inventory between two readings (volatile fields ignored). */
export interface InventoryDiff {
  added: Array<{ id: number; name: string; vendor: string }>;
  removed: Array<{ id: number; name: string; vendor: string }>;
  changed: ChangedIntegration[];
}

/** Compares two inventories by integration id. */
export function diffInventories(before: InventoryRecord[], after: InventoryRecord[]): InventoryDiff {
  const ref = (r: InventoryRecord) => ({ id: r.integration.id, name: r.integration.name, vendor: r.integration.vendor_type });
  const old = new Map(before.map((r) => [r.integration.id, r]));
  const now = new Map(after.map((r) => [r.integration.id, r]));
  const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
  return {
    added: after
      .filter((r) => !old.has(r.integration.id))
      .map(ref)
      .sort(byId),
    removed: before
      .filter((r) => !now.has(r.integration.id))
      .map(ref)
      .sort(byId),
    changed: after
      .filter((r) => old.has(r.integration.id))
      .map((r) => ({ ...ref(r), fields: changedPaths(withoutVolatile(old.get(r.integration.id)), withoutVolatile(r)) }))
      .filter((c) => c.fields.length > 0)
      .sort(byId),
  };
}
