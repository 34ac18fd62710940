/** JSON plumbing shared by the API validation and the policy file: JSON pointers, paths, Ajv. */
import type Ajv2020 from "ajv/dist/2020";
import type { Options } from "ajv/dist/2020";

/** The segments of a JSON pointer, decoded ("/a~1b/0" → ["a/b", "0"]). */
export function pointerSegments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** A JSON pointer segment, encoded ("a/b" → "a~1b"). */
export function encodeSegment(seg: string): string {
  return seg.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** "/results/3/name" → "$.results[3].name" */
export function toJsonPath(pointer: string): string {
  return `$${pointerSegments(pointer)
    .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
    .join("")}`;
}

/** An Ajv instance for JSON Schema 2020-12 with formats; Ajv is loaded only when one is needed. */
export function newAjv(options: Options = {}): Ajv2020 {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand: precompiled validators need no Ajv */
  const Ajv = (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
  const addFormats = (require("ajv-formats") as typeof import("ajv-formats")).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}
