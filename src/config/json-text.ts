/**
 * Positions in JSON text, for files read with JSON.parse (fast, but it gives no positions):
 * where a syntax error is, where a value or key at a JSON path starts, which key an object
 * repeats, and the line and column of an offset. One iterative pass each (no recursion, so any
 * nesting is safe), run only when a message needs a position.
 */

/** A step of a JSON path: an object key or an array index. */
export type JsonSegment = string | number;

/** The 1-based line and column of a character offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** What scanJson found: a syntax error, a repeated key, the target's offset, or nothing. */
export interface JsonScan {
  error?: { offset: number; problem: string };
  duplicate?: { offset: number; key: string; path: JsonSegment[] };
  found?: number;
}

/** Where to stop: at the value at `path`, or (key) at the key that is its last segment. */
export interface JsonTarget {
  path: readonly JsonSegment[];
  key?: boolean;
}

type Frame = { kind: "object"; keys: Set<string>; key: string } | { kind: "array"; index: number };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** The end of the JSON string starting at `i` (its opening quote), or -1 when it is not a valid string. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return -1;
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -1;
        j += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
      else return -1;
    }
  }
  return -1;
}

/** The end of the scalar (string, number, true, false, null) starting at `i`, or -1. */
function scalarEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x22) return stringEnd(text, i);
  for (const word of ["true", "false", "null"]) if (text.startsWith(word, i)) return i + word.length;
  NUMBER.lastIndex = i;
  return NUMBER.test(text) ? NUMBER.lastIndex : -1;
}

function samePath(stack: readonly Frame[], path: readonly JsonSegment[]): boolean {
  if (stack.length !== path.length) return false;
  return stack.every((f, k) => (f.kind === "array" ? f.index : f.key) === path[k]);
}

/**
 * Walks JSON text once, iteratively: stops at the first syntax error, the first key an object
 * repeats, or `target`, whichever comes first.
 */
export function scanJson(text: string, target?: JsonTarget): JsonScan {
  const stack: Frame[] = [];
  let i = 0;
  const skipWs = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const fail = (problem: string): JsonScan => ({ error: { offset: Math.min(i, text.length), problem } });
  let expect: "value" | "key" | "after" = "value";
  for (;;) {
    skipWs();
    const c = text[i];
    if (expect === "value") {
      if (target && !target.key && samePath(stack, target.path)) return { found: i };
      if (c === "{" || c === "[") {
        i++;
        skipWs();
        if (text[i] === (c === "{" ? "}" : "]")) {
          i++;
          expect = "after";
        } else if (c === "{") {
          stack.push({ kind: "object", keys: new Set(), key: "" });
          expect = "key";
        } else stack.push({ kind: "array", index: 0 });
        continue;
      }
      if (c === undefined) return fail("the text ends where a value was expected");
      const end = scalarEnd(text, i);
      if (end < 0) return fail(c === '"' ? "a string is not closed or has a bad escape or control character" : `unexpected '${c}' where a value was expected`);
      i = end;
      expect = "after";
    } else if (expect === "key") {
      if (c !== '"') return fail("expected a key in double quotes");
      const start = i;
      const end = stringEnd(text, i);
      if (end < 0) return fail("a key is not closed or has a bad escape or control character");
      const frame = stack[stack.length - 1] as Frame & { kind: "object" };
      frame.key = JSON.parse(text.slice(start, end)) as string;
      if (target?.key && samePath(stack, target.path)) return { found: start };
      if (frame.keys.has(frame.key)) return { duplicate: { offset: start, key: frame.key, path: stack.map((f) => (f.kind === "array" ? f.index : f.key)) } };
      frame.keys.add(frame.key);
      i = end;
      skipWs();
      if (text[i] !== ":") return fail("expected ':' after a key");
      i++;
      expect = "value";
    } else {
      const top = stack[stack.length - 1];
      if (!top) return i < text.length ? fail("unexpected text after the end of the JSON value") : {};
      if (c === ",") {
        i++;
        if (top.kind === "array") top.index++;
        expect = top.kind === "array" ? "value" : "key";
      } else if (c === (top.kind === "array" ? "]" : "}")) {
        i++;
        stack.pop();
      } else return fail(top.kind === "array" ? "expected ',' or ']' after an array element" : "expected ',' or '}' after a value");
    }
  }
}

/** How many object members a parsed JSON value holds, at any depth (iterative). */
export function countMembers(value: unknown): number {
  let n = 0;
  const todo: unknown[] = [value];
  while (todo.length) {
    const v = todo.pop();
    if (!v || typeof v !== "object") continue;
    const values: unknown[] = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v)) n += values.length;
    for (const x of values) if (x && typeof x === "object") todo.push(x);
  }
  return n;
}

/** How many members (`"key": value`) JSON text spells out: its ':' outside strings. */
export function memberCount(text: string): number {
  let n = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) n++;
  }
  return n;
}
