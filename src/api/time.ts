/**
 * Flow's timestamps. The published example sends naive ISO 8601 date-times without an offset
 * (`2024-03-20T22:09:54.828795`); JavaScript's Date.parse would read those as *local* time, so
 * every timestamp from Flow goes through parseFlowTimestamp, which reads naive ones as UTC.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Milliseconds since the epoch of a Flow timestamp (naive = UTC), or undefined when it is not one. */
export function parseFlowTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = "0", frac = "", , sign, oh = "0", om = "0"] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(local);
  // Reject dates Date.UTC would roll over (2024-02-31, 25:00).
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h) || Number(mi) > 59 || Number(s) > 59)
    return undefined;
  const offsetMinutes = sign ? (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  return local - offsetMinutes * 60_000;
}

/** A Flow-style naive UTC timestamp with microseconds, as the published example writes them. */
export function formatFlowTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}
