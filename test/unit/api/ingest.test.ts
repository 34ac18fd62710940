import { describe, expect, it } from "vitest";
import { ingestBody, ingestText, jsonDepth, MAX_DEPTH, redactSecrets, terminalSafe } from "../../../src/api/ingest";
import { esc } from "../../../src/cli/reporters/markdown";

const TOKEN = 'tok"en\\with-quotes-1234';

describe("ingest: where text from Flow enters", () => {
  it("redacts the token raw and JSON-escaped, and Authorization-looking values", () => {
    const body = JSON.stringify({ a: TOKEN, b: `Bearer ${TOKEN}`, c: "Basic dXNlcjpwYXNzd29yZA==", d: "token expired" });
    const out = ingestBody(body, TOKEN);
    expect(out).not.toContain("with-quotes");
    expect(JSON.parse(out)).toEqual({ a: "[redacted]", b: "Bearer [redacted]", c: "Basic [redacted]", d: "token expired" });
    expect(redactSecrets(`x Bearer abcdefgh1234 y`, undefined)).toBe("x Bearer [redacted] y");
  });

  it("replaces terminal controls, bidi overrides and zero-width characters, keeping valid JSON", () => {
    const body = JSON.stringify({ name: "\u001b[2J\u001b]0;t\u0007\rPASS\n\tx\u202eevil\u200b\u0085", path: "C:\\u001b is text" });
    const parsed = JSON.parse(ingestBody(body, undefined));
    expect(parsed.name).toBe("\uFFFD[2J\uFFFD]0;t\uFFFD PASS  x\uFFFDevil\uFFFD\uFFFD");
    expect(parsed.path).toBe("C:\\u001b is text");
    expect(terminalSafe("a\u001b[31mb\r\nc")).toBe("a\uFFFD[31mb  c");
  });

  it(`measures nesting without parsing and refuses more than ${MAX_DEPTH} levels`, () => {
    expect(jsonDepth('{"a":[{"b":"[[[[{{"}]}')).toBe(3);
    expect(() => ingestBody(`${"[".repeat(MAX_DEPTH + 1)}${"]".repeat(MAX_DEPTH + 1)}`, undefined)).toThrow(`nests more than ${MAX_DEPTH} levels deep`);
    expect(() => ingestBody(`${"[".repeat(MAX_DEPTH)}${"]".repeat(MAX_DEPTH)}`, undefined)).not.toThrow();
  });

  it("bounds message text after redacting, so a cut never leaves part of the token", () => {
    const text = ingestText(`${"x".repeat(190)} ${TOKEN}`, TOKEN, 200);
    expect(text).toHaveLength(200);
    expect(text).not.toContain(TOKEN.slice(0, 3));
  });
});

describe("Markdown escaping of server text", () => {
  it("leaves no HTML, link, image, heading or table cell to a name", () => {
    const out = esc("<img src=x onerror=alert(1)>\n## ✅ passed | ![t](https://evil.example/p.gif) [x](www.evil.example) `code` *b*");
    expect(out).not.toMatch(/<|\n|(?<!\\)\||(?<!\\)\[|https:\/\/|www\./);
    expect(out).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
