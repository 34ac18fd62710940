import { describe, expect, it } from "vitest";
import { ingestBody, ingestText, jsonDepth, MAX_DEPTH, redactSecrets, terminalSafe } from "../../../src/api/ingest";
import { esc } from "../../../src/cli/reporters/markdown";

const TOKEN = 'tok"en\\with-quotes-1234';

/** The JSON value of an ingested body (it must be JSON). */
function json(text: string, token: string | undefined): unknown {
  const content = ingestBody(text, token);
  if (!("json" in content)) throw new Error(`not JSON: ${content.syntaxError}`);
  return content.json;
}

// A token as Flow's keys look (base64: `/` and `+` are in the alphabet).
const B64 = "q7Z/9kLm+Xw2vR/tA8s+Jd0P";

describe("ingest: where text from Flow enters", () => {
  it("redacts the token and Authorization-looking values in the decoded strings", () => {
    const body = JSON.stringify({ a: TOKEN, b: `Bearer ${TOKEN}`, c: "Basic dXNlcjpwYXNzd29yZA==", d: "token expired" });
    expect(json(body, TOKEN)).toEqual({ a: "[redacted]", b: "Bearer [redacted]", c: "Basic [redacted]", d: "token expired" });
    expect(redactSecrets(`x Bearer abcdefgh1234 y`, undefined)).toBe("x Bearer [redacted] y");
  });

  // Each escape is one way a JSON encoder (or a hostile server) may write the same text.
  const escapes: Array<[string, (t: string) => string]> = [
    ["the first character as \\u escape", (t) => `\\u${t.charCodeAt(0).toString(16).padStart(4, "0")}${t.slice(1)}`],
    ["every character as \\u escape", (t) => [...t].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")],
    ["slashes as \\/ (as many encoders write them)", (t) => t.replace(/\//g, "\\/")],
    [
      "split across escapes every other character",
      (t) => [...t].map((c, i) => (i % 2 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c === "/" ? "\\/" : c)).join(""),
    ],
  ];
  it.each(escapes)("redacts the token written with %s, in values and keys at any depth", (_label, encode) => {
    const e = encode(B64);
    const body = `{"name":"${e}","nested":{"list":[{"deep":"x Bearer ${e} y"}]},"keys":{"${e}":1},"message":"a ${e}"}`;
    expect(JSON.parse(body).name).toBe(B64); // the escape really is the token to a JSON reader
    const value = json(body, B64);
    const text = JSON.stringify(value);
    expect(text).not.toContain(B64);
    expect(text).not.toContain(B64.slice(0, 8));
    expect(value).toEqual({ name: "[redacted]", nested: { list: [{ deep: "x Bearer [redacted] y" }] }, keys: { "[redacted]": 1 }, message: "a [redacted]" });
  });

  it("redacts the token percent-encoded (a `next` URL), as HTML references, and JSON-escaped in text that is not JSON", () => {
    const pct = [...Buffer.from(B64)].map((b) => `%${b.toString(16).toUpperCase()}`).join("");
    const next = `https://flow.example/v3/customer/core/integrations?offset=2&t=${encodeURIComponent(B64)}`;
    const value = json(JSON.stringify({ next, all: `x=${pct}`, html: [...B64].map((c) => `&#${c.charCodeAt(0)};`).join("") }), B64) as Record<string, string>;
    expect(JSON.stringify(value)).not.toContain(B64.slice(0, 8));
    expect(value.next).toBe("https://flow.example/v3/customer/core/integrations?offset=2&t=%5Bredacted%5D");
    expect(value.all).toBe("x=%5Bredacted%5D");
    expect(value.html).toBe("[redacted]");
    // an HTML or plain-text error page is not parsed: its text is searched in every decoded form
    const page = ingestBody(`<html><p>Invalid token ${B64.replace(/\//g, "\\/")} &#${B64.charCodeAt(0)};${B64.slice(1)}</p></html>`, B64);
    expect("text" in page && page.text).not.toContain(B64.slice(0, 8));
    expect(ingestText(`bad ${encodeURIComponent(B64)}`, B64)).toBe("bad [redacted]");
  });

  it("keeps keys as data: a cleaned `__proto__`-like key never becomes a prototype", () => {
    const value = json(`{"__proto__\\u200b":{"polluted":true},"__proto__":{"x":1}}`, undefined) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "__proto__\uFFFD"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("replaces controls, bidi overrides and zero-width characters in decoded strings and keys", () => {
    const body = JSON.stringify({ name: "\u001b[2J\u001b]0;t\u0007\rPASS\n\tx\u202eevil\u200b\u0085", path: "C:\\u001b is text", ["k\u202e"]: 1 });
    const parsed = json(body, undefined) as Record<string, unknown>;
    expect(parsed.name).toBe("\uFFFD[2J\uFFFD]0;t\uFFFD PASS  x\uFFFDevil\uFFFD\uFFFD");
    expect(parsed.path).toBe("C:\\u001b is text");
    expect(Object.keys(parsed)).toEqual(["name", "path", "k\uFFFD"]);
    expect(terminalSafe("a\u001b[31mb\r\nc")).toBe("a\uFFFD[31mb  c");
  });

  it("replaces every format character (Cf), lone surrogates and the invisible fillers", () => {
    const invisible = [
      0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x180e, 0x200b, 0x200e, 0x2028, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x206a, 0x206f, 0x2800, 0x3164,
      0xfeff, 0xffa0, 0xfff9, 0xfffa, 0xfffb, 0xe0001, 0xd800,
    ];
    for (const cp of invisible) {
      const c = String.fromCodePoint(cp);
      expect(terminalSafe(`Integration 2${c}`), `U+${cp.toString(16)}`).toBe("Integration 2\uFFFD");
      expect(json(JSON.stringify({ name: `Integration 2${c}` }), undefined), `U+${cp.toString(16)} in JSON`).toEqual({ name: "Integration 2\uFFFD" });
    }
    // Visible text of every script, and emoji (astral, with variation selectors), pass unchanged.
    for (const ok of ["Zürich – 東京 – القاهرة – עברית – 한국어", "rocket 🚀 ❤️ 👍🏽", "tab-free text"]) expect(terminalSafe(ok)).toBe(ok);
  });

  it(`measures nesting without parsing and refuses more than ${MAX_DEPTH} levels`, () => {
    expect(jsonDepth('{"a":[{"b":"[[[[{{"}]}')).toBe(3);
    expect(() => ingestBody(`${"[".repeat(MAX_DEPTH + 1)}${"]".repeat(MAX_DEPTH + 1)}`, undefined)).toThrow(`nests more than ${MAX_DEPTH} levels deep`);
    expect(() => ingestBody(`${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}`, undefined)).not.toThrow();
  });

  it("bounds message text after redacting, so a cut never leaves part of the token or half a character", () => {
    const text = ingestText(`${"x".repeat(190)} ${TOKEN}`, TOKEN, 200);
    expect(text).toHaveLength(200);
    expect(text).not.toContain(TOKEN.slice(0, 3));
    const emoji = ingestText(`${"x".repeat(198)}🚀🚀`, undefined, 200);
    expect(emoji).toBe(`${"x".repeat(198)}…`);
  });
});

describe("Markdown escaping of server text", () => {
  it("leaves no HTML, link, image, heading or table cell to a name", () => {
    const out = esc("<img src=x onerror=alert(1)>\n## ✅ passed | ![t](https://evil.example/p.gif) [x](www.evil.example) `code` *b*");
    expect(out).not.toMatch(/<|\n|(?<!\\)\||(?<!\\)\[|https:\/\/|www\./);
    expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
