/**
 * The one place where text from Flow enters pulumi-flow. Every response body (and every other
 * server-controlled string, such as a redirect's Location) passes through here, once, before it
 * is stored, rendered, compared or thrown. What is cleaned is what the code *sees*: a body is
 * parsed first and every decoded string in it — values and keys, at any depth — is cleaned, so
 * `\u0061bc`, `a\/b` and a token split across escapes are the same text as `abc` and `a/b`:
 *
 * - secrets are redacted: the API token and anything that looks like an Authorization value
 *   (`Bearer …`, `Basic …`), also where a string carries them percent-encoded (a URL), as HTML
 *   character references (an HTML error page) or, in text that is not parsed JSON, JSON-escaped;
 * - control and invisible characters are replaced (U+FFFD; line breaks and tabs become spaces):
 *   C0/C1 controls, the whole Unicode "format" category (bidi controls, zero-width and invisible
 *   operators, soft hyphen, interlinear annotations, tags…), lone surrogates, line and paragraph
 *   separators, and the invisible fillers outside it (combining grapheme joiner, Hangul fillers,
 *   Khmer inherent vowels) — so names cannot redraw a terminal, fake a verdict or hide text;
 * - nesting depth is bounded, so an absurdly deep body fails here with a clear error instead of
 *   overflowing the stack in validation, snapshots, diffs or the Pulumi engine.
 *
 * The clean path stays cheap: a string is only rewritten where something matched.
 */

import { bounded } from "./display";

/** Deepest nesting of objects and arrays accepted in a response (Flow's records nest about 5 deep). */
export const MAX_DEPTH = 32;

const REPLACEMENT = "\uFFFD";
const REDACTED = "[redacted]";

/**
 * Characters that must not reach a terminal, a report or a message: controls (Cc), format
 * characters (Cf), lone surrogates (Cs), line/paragraph separators, and invisible characters
 * of other categories: U+034F combining grapheme joiner, U+115F/U+1160/U+3164/U+FFA0 Hangul
 * fillers, U+17B4/U+17B5 Khmer inherent vowels, U+2800 braille blank.
 */
// eslint-disable-next-line no-misleading-character-class -- U+034F is listed on its own, to be replaced, not combined
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0]/gu;
// eslint-disable-next-line no-misleading-character-class -- as above
const UNSAFE_TEST = new RegExp(UNSAFE.source, "u");
/** Characters that become a space rather than U+FFFD. */
const SPACING = /[\t\n\r]/g;

/** Authorization-looking values: a scheme and a credential of 8 or more characters. */
const AUTH_VALUE = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=:-]{8,}/gi;
const AUTH_TEST = /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=:-]{8}/i;
/** Runs of percent-encoded bytes. */
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;
/** HTML numeric character references. */
const HTML_REF = /&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));?/g;
/** JSON/JavaScript escapes: \uXXXX and escaped characters. */
const JSON_ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|([^u]))/g;

const JSON_SIMPLE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

function fromCodePoint(cp: number): string {
  return cp <= 0x10ffff ? String.fromCodePoint(cp) : REPLACEMENT;
}

/** A decoded form of text a secret may hide in, and how to write the redacted form back. */
interface DecodedForm {
  text: string;
  /** The redacted decoded text as the result (a percent-encoded URL stays a URL). */
  encode: (redacted: string) => string;
}

const asIs = (s: string) => s;

/** Percent-encoded text (a URL) written back percent-encoded, so it stays a valid URL. */
function reencodeUrl(original: string): (redacted: string) => string {
  if (/\s/.test(original)) return asIs;
  return (redacted) => {
    try {
      return encodeURI(redacted);
    } catch {
      return redacted;
    }
  };
}

/** The decoded forms of text a secret may hide in: percent-encoding, HTML references, JSON escapes. */
function decodedForms(text: string): DecodedForm[] {
  const forms: DecodedForm[] = [];
  if (text.includes("%")) {
    const decoded = text.replace(PERCENT_RUN, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return Buffer.from(run.replace(/%/g, ""), "hex").toString("latin1");
      }
    });
    forms.push({ text: decoded, encode: reencodeUrl(text) });
  }
  if (text.includes("&#")) {
    forms.push({
      text: text.replace(HTML_REF, (_m, hex: string | undefined, dec: string | undefined) => fromCodePoint(hex ? parseInt(hex, 16) : Number(dec))),
      encode: asIs,
    });
  }
  if (text.includes("\\")) {
    forms.push({
      text: text.replace(JSON_ESCAPE, (_m, hex: string | undefined, ch: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (JSON_SIMPLE[ch] ?? ch))),
      encode: asIs,
    });
  }
  return forms;
}

function holdsSecret(text: string, token: string | undefined): boolean {
  return (token !== undefined && token.length >= 4 && text.includes(token)) || AUTH_TEST.test(text);
}

function redactPlain(text: string, token: string | undefined): string {
  const out = token && token.length >= 4 ? text.split(token).join(REDACTED) : text;
  return out.replace(AUTH_VALUE, `$1$2${REDACTED}`);
}

/**
 * Replaces the token and Authorization-looking values with "[redacted]" — in the text as it is,
 * and where the text carries them percent-encoded, as HTML references or JSON-escaped (then the
 * decoded form, redacted, replaces the text — percent-encoded again when it was a URL).
 */
export function redactSecrets(text: string, token: string | undefined): string {
  let out = holdsSecret(text, token) ? redactPlain(text, token) : text;
  // Decoding may reveal another layer (a percent-encoded JSON escape); a few rounds are plenty.
  for (let round = 0; round < 3; round++) {
    const hidden = decodedForms(out).find((form) => form.text !== out && holdsSecret(form.text, token));
    if (hidden === undefined) break;
    out = hidden.encode(redactPlain(hidden.text, token));
  }
  return out;
}

/** Replaces control and invisible characters in plain text (line breaks and tabs become spaces). */
export function terminalSafe(text: string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(SPACING, " ").replace(UNSAFE, REPLACEMENT);
}

/** A server-controlled string as the rest of pulumi-flow may hold it: redacted, then terminal-safe. */
export function ingestString(text: string, token: string | undefined): string {
  return terminalSafe(redactSecrets(text, token));
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
 * Cleans every string of a parsed JSON value in place (values and keys, at any depth) and
 * returns it (a top-level string is returned cleaned). Depth must already be bounded.
 */
export function ingestValue<T>(value: T, token: string | undefined): T {
  if (typeof value === "string") return ingestString(value, token) as T;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === "string") {
        const clean = ingestString(v, token);
        if (clean !== v) value[i] = clean;
      } else if (v !== null && typeof v === "object") ingestValue(v, token);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    let clean: unknown = v;
    if (typeof v === "string") clean = ingestString(v, token);
    else if (v !== null && typeof v === "object") ingestValue(v, token);
    const cleanKey = ingestString(key, token);
    if (cleanKey !== key) {
      delete obj[key];
      // defineProperty: a key is data, never a prototype (JSON.parse makes "__proto__" an own key).
      Object.defineProperty(obj, cleanKey, { value: clean, enumerable: true, writable: true, configurable: true });
    } else if (clean !== v) obj[key] = clean;
  }
  return value;
}

/** A response body after ingestion: its parsed and cleaned JSON value, or (not JSON) its cleaned text. */
export type IngestedContent = { json: unknown } | { text: string; syntaxError: string };

/**
 * Makes a response body safe to use: refused (IngestError) beyond MAX_DEPTH; parsed when it is
 * JSON, with every decoded string cleaned (ingestValue); otherwise its text, cleaned as a whole.
 */
export function ingestBody(text: string, token: string | undefined): IngestedContent {
  if (jsonDepth(text) > MAX_DEPTH)
    throw new IngestError(`the response nests more than ${MAX_DEPTH} levels deep, far beyond any Flow record; refusing to read it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { text: ingestString(text, token), syntaxError: ingestText((e as Error).message, token, 160) };
  }
  return { json: ingestValue(parsed, token) };
}

/** A server-controlled string for a message: redacted, terminal-safe and at most `max` characters (see bounded). */
export function ingestText(text: string, token: string | undefined, max = 200): string {
  return bounded(ingestString(text, token), max);
}
