import * as fs from "node:fs";
import * as path from "node:path";

/** Path of the OpenAPI document (copied next to the compiled code by the build). */
export const specPath = path.join(__dirname, "openapi.yaml");

let cached: OpenApiDocument | undefined;

/** The parts of the OpenAPI document pulumi-flow reads at run time. */
export interface OpenApiDocument {
  info: { version: string };
  components: { schemas: Record<string, unknown> };
  [key: string]: unknown;
}

/** The parsed OpenAPI document (read once per process). */
export function loadSpec(): OpenApiDocument {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use: only spec tooling parses the YAML, not a run
  cached ??= (require("yaml") as typeof import("yaml")).parse(fs.readFileSync(specPath, "utf8")) as OpenApiDocument;
  return cached;
}
