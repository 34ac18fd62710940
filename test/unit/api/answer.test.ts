import fc from "fast-check";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { ingestBody } from "../../../src/api/ingest";
import type { paths } from "../../../src/api/schema";
import { answerOf, toResponse, type Answer, type IngestedBody } from "../../../src/api/transport";

const TOKEN = "answer-secret-token-9a8b7c";

/** What openapi-fetch reads from the transport's Response of `res` (as for getIntegration and listIntegrations). */
async function readByOpenapiFetch(res: IngestedBody): Promise<Answer<unknown> | "SyntaxError"> {
  const api = createClient<paths>({ baseUrl: "http://127.0.0.1:9", fetch: () => Promise.resolve(toResponse(res)) });
  try {
    const r = await api.GET("/integrations/{id}", { params: { path: { id: 1 } } });
    return { status: r.response.status, data: r.data, error: r.error };
  } catch (e) {
    if (e instanceof SyntaxError) return "SyntaxError";
    throw e;
  }
}

/** What the direct path (connection statuses) reads from `res`. */
function readDirectly(res: IngestedBody): Answer<unknown> | "SyntaxError" {
  try {
    const a = answerOf(res);
    return { status: a.status, data: a.data, error: a.error };
  } catch (e) {
    if (e instanceof SyntaxError) return "SyntaxError";
    throw e;
  }
}

/** A body as the transport ingests it (null for the statuses that carry none). */
function ingested(status: number, raw: string): IngestedBody {
  return { status, body: status === 204 || status === 205 || status === 304 ? null : ingestBody(raw, TOKEN) };
}

const STATUSES = [200, 201, 204, 205, 304, 400, 401, 404, 429, 500, 503];

describe("one reading of a response, with or without openapi-fetch", () => {
  it.each([
    [200, '{"status":"connected","integration":7}'],
    [200, "[1,2]"],
    [200, '"text"'],
    [200, "null"],
    [200, ""],
    [200, "<html>not json</html>"],
    [204, ""],
    [205, ""],
    [304, ""],
    [404, '{"detail":"Not found."}'],
    [500, `proxy error for Bearer ${TOKEN}`],
    [503, ""],
  ])("HTTP %i with %j", async (status, raw) => {
    const res = ingested(status, raw);
    expect(readDirectly(res)).toEqual(await readByOpenapiFetch(res));
  });

  it("agrees on any status and body, JSON or not", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STATUSES), fc.oneof(fc.json({ depthSize: "small" }), fc.string({ unit: "binary" })), async (status, raw) => {
        const res = ingested(status, raw);
        expect(readDirectly(res)).toEqual(await readByOpenapiFetch(res));
      }),
      { numRuns: 300 },
    );
  });

  it("hands openapi-fetch a complete Response: every reader works on the cleaned bytes", async () => {
    const res = ingested(200, `{"name":"echo ${TOKEN}","n":1}`);
    const stream = toResponse(res).body;
    expect(stream).not.toBeNull();
    const chunks: Uint8Array[] = [];
    const reader = stream!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(text).toBe('{"name":"echo [redacted]","n":1}');
    expect(await toResponse(res).text()).toBe(text);
    expect(await toResponse(res).json()).toEqual({ name: "echo [redacted]", n: 1 });
    expect(Buffer.from(await toResponse(res).arrayBuffer()).toString("utf8")).toBe(text);
    expect(await (await toResponse(res).blob()).text()).toBe(text);
    expect(toResponse(res).headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const api = createClient<paths>({ baseUrl: "http://127.0.0.1:9", fetch: () => Promise.resolve(toResponse(res)) });
    const streamed = await api.GET("/integrations/{id}", { params: { path: { id: 1 } }, parseAs: "stream" });
    expect(await new Response(streamed.data as ReadableStream).text()).toBe(text);
  });
});
