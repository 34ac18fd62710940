/**
 * The one place where text from Flow enters pulumi-flow. Every response body (and every other
 * server-controlled string, such as a redirect's Location) passes through here before it is
 * parsed, truncated, stored, rendered or thrown:
 *
 * - secrets are redacted: the API token (raw and JSON-escaped) and anything that looks like an
 *   Authorization value (`Bearer …`, `Basic …`), so a server echoing them leaks nothing;
 * - terminal control characters, bidirectional overrides and zero-width characters are
 *   replaced (U+FFFD; line breaks and tabs become spaces), so names cannot redraw a terminal,
 *   fake a verdict, or hide text — in reports, snapshots, state and messages alike;
 * - nesting depth is bounded, so an absurdly deep body fails here with a clear error instead of
 *   overflowing the stack in validation, snapshots, diffs or the Pulumi engine.
 *
 * Working on the JSON text keeps the clean path cheap: one scan, and replacements only where
 * something matched.
 */

/** Deepest nesting of objects and arrays accepted in a response (Flow's records nest about 5 deep). */
export const MAX_DEPTH = 32;

const REPLACEMENT = "\uFFFD";

/** C0 control characters (escape, bell, backspace, ...). */
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const C0_CONTROLS = /[\u0000-\u001f]/g;
/** Raw characters that must not reach a terminal: C1 controls, DEL, bidi controls, zero-width characters. */
const UNSAFE_RAW = /[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON escapes of unsafe characters. Escaped backslashes are matched first so `\\u001b` (a
 * literal backslash followed by "u001b") is left alone.
 */
const UNSAFE_ESCAPE = /\\(\\|[nrt]|[bf]|u(?:00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|200[b-fB-F]|202[a-eA-E]|206[6-9]|[fF][eE][fF][fF]))/g;

/** Authorization-looking values: a scheme and a credential of 8 or more characters. */
const AUTH_VALUE = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=:-]{8,}/gi;

/** Replaces the token and Authorization-looking values with "[redacted]". */
export function redactSecrets(text: string, token: string | undefined): string {
  let out = text;
  if (token && token.length >= 4) {
    out = out.split(token).join("[redacted]");
    const escaped = JSON.stringify(token).slice(1, -1);
    if (escaped !== token) out = out.split(escaped).join("[redacted]");
  }
  return out.replace(AUTH_VALUE, "$1$2[redacted]");
}

/** Replaces terminal control, bidi and zero-width characters in plain text (line breaks and tabs become spaces). */
export function terminalSafe(text: string): string {
  return text
    .replace(/[\t\n\r]/g, " ")
    .replace(C0_CONTROLS, REPLACEMENT)
    .replace(UNSAFE_RAW, REPLACEMENT);
}

/** The same replacements inside JSON text, keeping it valid JSON. */
function jsonSafe(text: string): string {
  const raw = text.replace(UNSAFE_RAW, REPLACEMENT);
  return raw.replace(UNSAFE_ESCAPE, (match, what: string) => {
    if (what === "\\") return match;
    if (what === "n" || what === "r" || what === "t") return " ";
    return "\\ufffd";
  });
}

/** The nesting depth of JSON text (objects and arrays), scanning once and skipping strings. */
export function jsonDepth(text: string, stopAbove = MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
      if (max > stopAbove) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Why a body was refused at the boundary. */
export class IngestError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = "IngestError";
  }
}

/**
 * Makes a response body safe to parse and use: secrets redacted, unsafe characters replaced,
 * nesting bounded (throws IngestError beyond MAX_DEPTH). The result is still the same JSON
 * (or the same non-JSON text, for the caller to reject).
 */
export function ingestBody(text: string, token: string | undefined): string {
  const safe = jsonSafe(redactSecrets(text, token));
  const depth = jsonDepth(safe);
  if (depth > MAX_DEPTH) throw new IngestError(`the response nests more than ${MAX_DEPTH} levels deep, far beyond any Flow record; refusing to read it`);
  return safe;
}

/** A server-controlled string for a message: redacted, terminal-safe and at most `max` characters. */
export function ingestText(text: string, token: string | undefined, max = 200): string {
  const safe = terminalSafe(redactSecrets(text, token));
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
