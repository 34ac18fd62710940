/**
 * How long a server-controlled string may be where people read it: one shared bound for every
 * report format (table, Markdown, HTML, JUnit, SARIF), the policy pack's messages and the rules'
 * finding reasons. A longer value is cut with an ellipsis; the JSON report keeps the full value
 * once. It lives at the bottom room so that every other room may use it.
 */

/** Characters of a server string shown in a message or a report cell (an integration's name, a status), the ellipsis included. */
export const DISPLAY_MAX = 200;

/** Characters of a whole finding message or remediation, the ellipsis included: a backstop over the values bounded inside it. */
export const MESSAGE_MAX = 2000;

/** What marks a value cut for display. */
export const ELLIPSIS = "…";

/**
 * `text` as shown to people: unchanged when at most `max` characters (UTF-16 code units), else
 * cut to `max` characters, the last one "…". A surrogate pair (an emoji, a rare CJK character)
 * is never split: the cut moves before it. Bounding twice changes nothing more, and the time is
 * independent of the text's length beyond `max` (one slice, no scan of the rest).
 */
export function bounded(text: string, max: number = DISPLAY_MAX): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose low half would be cut off
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/** Nesting kept by `boundedValue`; deeper values are replaced by "…" (evidence is a few levels deep). */
const VALUE_DEPTH = 8;

/**
 * A JSON-like value with every string in it (keys included) bounded for display, at any depth up
 * to a limit: what a finding's evidence holds. Numbers, booleans and null are kept; arrays and
 * objects keep their shape. Linear in the value's size.
 */
export function boundedValue(value: unknown, max: number = DISPLAY_MAX, depth = 0): unknown {
  if (typeof value === "string") return bounded(value, max);
  if (value === null || typeof value !== "object") return value;
  if (depth >= VALUE_DEPTH) return ELLIPSIS;
  if (Array.isArray(value)) return value.map((v) => boundedValue(v, max, depth + 1));
  const out: Record<string, unknown> = {};
  // defineProperty: a key is data, never a prototype (a "__proto__" key from Flow stays a key).
  for (const [k, v] of Object.entries(value))
    Object.defineProperty(out, bounded(k, max), { value: boundedValue(v, max, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Whether `boundedValue` would change `value` (so a caller can keep the original object when nothing is long). */
export function needsBounding(value: unknown, max: number = DISPLAY_MAX, depth = 0): boolean {
  if (typeof value === "string") return value.length > max;
  if (value === null || typeof value !== "object") return false;
  if (depth >= VALUE_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => needsBounding(v, max, depth + 1));
  return Object.entries(value).some(([k, v]) => k.length > max || needsBounding(v, max, depth + 1));
}
