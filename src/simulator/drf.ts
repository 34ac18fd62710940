/**
 * Django REST Framework semantics of the list endpoint, as Flow's API follows them: filters
 * (`field=`, `field__in=`, `field__icontains=`, `field__gte=`/`__lt=`), `ordering`, and
 * `fields`/`omit` trimming.
 */
import type { Integration } from "../api/types";
import { parseFlowTimestamp } from "../api/time";

const LIST_FILTERS = new Set([
  "id",
  "id__in",
  "name",
  "name__icontains",
  "vendor_type",
  "vendor_type__in",
  "auth_type",
  "auth_type__in",
  "webhooks_enabled",
  "has_repos",
  "processing_status",
  "updated_at__gte",
  "updated_at__lt",
]);
/** Every query parameter the list endpoint accepts. */
export const LIST_PARAMS = new Set([...LIST_FILTERS, "limit", "offset", "fields", "omit", "ordering"]);

/** A field's value as DRF compares it in filters: scalars as text, anything else as JSON. */
function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** A query the server rejects with 400 and this detail. */
export class BadRequest extends Error {}

function parseBool(name: string, v: string): boolean {
  if (v === "true" || v === "True" || v === "1") return true;
  if (v === "false" || v === "False" || v === "0") return false;
  throw new BadRequest(`${name}: must be true or false.`);
}

/** An integer query parameter of at least `min`. */
export function parseIntParam(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new BadRequest(`${name}: must be an integer >= ${min}.`);
  return Number(v);
}

/** Applies DRF-style filters to the integrations. */
export function filter(items: Integration[], q: URLSearchParams): Integration[] {
  let out = items;
  for (const [key, value] of q) {
    if (!LIST_FILTERS.has(key)) continue;
    const [field, op] = key.split("__") as [keyof Integration, string | undefined];
    if (op === "in") {
      const set = new Set(value.split(","));
      if (field === "id" && [...set].some((v) => !/^\d+$/.test(v))) throw new BadRequest("id__in: must be comma-separated integers.");
      out = out.filter((i) => set.has(String(i[field])));
    } else if (op === "icontains") {
      out = out.filter((i) => text(i[field]).toLowerCase().includes(value.toLowerCase()));
    } else if (op === "gte" || op === "lt") {
      const t = parseFlowTimestamp(value);
      if (t === undefined) throw new BadRequest(`${key}: enter a valid date/time.`);
      out = out.filter((i) => {
        const v = parseFlowTimestamp(i[field]);
        return v !== undefined && (op === "gte" ? v >= t : v < t);
      });
    } else if (field === "webhooks_enabled" || field === "has_repos") {
      const b = parseBool(key, value);
      out = out.filter((i) => i[field] === b);
    } else if (field === "id") {
      const id = parseIntParam("id", value, 0);
      out = out.filter((i) => i.id === id);
    } else {
      out = out.filter((i) => text(i[field]) === value);
    }
  }
  return out;
}

/** Sorts by `ordering` (DRF syntax), else by id. */
export function order(items: Integration[], ordering: string | null): Integration[] {
  if (!ordering) return [...items].sort((a, b) => a.id - b.id);
  const keys = ordering.split(",").map((k) => (k.startsWith("-") ? { field: k.slice(1), dir: -1 } : { field: k, dir: 1 }));
  return [...items].sort((a, b) => {
    for (const { field, dir } of keys) {
      const va = (a as Record<string, unknown>)[field];
      const vb = (b as Record<string, unknown>)[field];
      if (va === vb) continue;
      if (va === undefined || va === null) return 1;
      if (vb === undefined || vb === null) return -1;
      return (va < vb ? -1 : 1) * dir;
    }
    return a.id - b.id;
  });
}

/** Applies `fields`/`omit`. */
export function trim(item: Integration, fields: string | null, omit: string | null): Record<string, unknown> {
  let out: Record<string, unknown> = { ...item };
  if (fields) {
    const keep = new Set(fields.split(","));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  if (omit) {
    for (const k of omit.split(",")) delete out[k];
  }
  return out;
}
