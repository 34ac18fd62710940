import type Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import { FlowApiError } from "./errors";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSpec, specPath } from "./spec";
import type { ConnectionStatus, Integration, IntegrationList } from "./types";

/** The compiled validators. */
export interface Validators {
  Integration: ValidateFunction<Integration>;
  /** The list envelope with `results` items left to the per-item validator. */
  IntegrationListEnvelope: ValidateFunction<IntegrationList>;
  ConnectionStatus: ValidateFunction<ConnectionStatus>;
  Error: ValidateFunction<{ detail: string }>;
}

let validators: Validators | undefined;

/** Where the build writes the precompiled validators (Ajv standalone code), next to this file. */
export const PRECOMPILED = "validators.js";

/** sha256 of the spec text, to tell whether precompiled validators belong to this spec. */
export function specHash(): string {
  return createHash("sha256").update(fs.readFileSync(specPath)).digest("hex");
}

/**
 * One Ajv instance holding the spec's component schemas (JSON Schema 2020-12, as OpenAPI 3.1
 * uses) and the ids of the validators; `source: true` keeps the code for standalone output.
 */
export function buildAjv(source = false): { ajv: Ajv2020; refs: Record<keyof Validators, string> } {
  const spec = loadSpec();
  // Component refs become $defs refs inside one schema document Ajv understands.
  const defs = JSON.parse(JSON.stringify(spec.components.schemas).split("#/components/schemas/").join("#/$defs/"));
  // Loaded here, not at the top: with precompiled validators Ajv itself is never needed.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const Ajv = (require("ajv/dist/2020") as typeof import("ajv/dist/2020")).default;
  const addFormats = (require("ajv-formats") as typeof import("ajv-formats")).default;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true, code: { source } });
  addFormats(ajv);
  ajv.addSchema({ $id: "flow", $defs: defs });
  // The list envelope leaves `results` items to the per-item validator, so errors name the item.
  ajv.addSchema({ $id: "flow-list-envelope", ...defs.IntegrationList, properties: { ...defs.IntegrationList.properties, results: { type: "array" } } });
  return {
    ajv,
    refs: { Integration: "flow#/$defs/Integration", IntegrationListEnvelope: "flow-list-envelope", ConnectionStatus: "flow#/$defs/ConnectionStatus", Error: "flow#/$defs/Error" },
  };
}

/** The build's precompiled validators when they match the spec (5 ms to load instead of ~150 ms to compile). */
function precompiled(): Validators | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(__dirname, PRECOMPILED)) as Validators & { specHash?: string };
    return mod.specHash === specHash() ? mod : undefined;
  } catch {
    return undefined;
  }
}

function compile(): Validators {
  const { ajv, refs } = buildAjv();
  const get = <T>(ref: string) => ajv.getSchema<T>(ref)!;
  return {
    Integration: get<Integration>(refs.Integration),
    IntegrationListEnvelope: get<IntegrationList>(refs.IntegrationListEnvelope),
    ConnectionStatus: get<ConnectionStatus>(refs.ConnectionStatus),
    Error: get<{ detail: string }>(refs.Error),
  };
}

function get(): Validators {
  validators ??= precompiled() ?? compile();
  return validators;
}

/** "/results/3/name" → "$.results[3].name" */
export function toJsonPath(pointer: string): string {
  if (!pointer) return "$";
  return (
    "$" +
    pointer
      .split("/")
      .slice(1)
      .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
      .join("")
  );
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? "undefined" : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const seg of pointer.split("/").slice(1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

/** Picks the most useful Ajv error: the deepest one (oneOf branches report the container too). */
function bestError(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function fail(operation: string, data: unknown, errors: ErrorObject[], integrationId?: number, prefix = ""): never {
  const e = bestError(errors);
  const pointer = prefix + e.instancePath;
  const extra = e.keyword === "required" ? ` '${(e.params as { missingProperty: string }).missingProperty}'` : "";
  throw new FlowApiError({
    kind: "validation",
    operation,
    integrationId,
    summary: "the response does not match the Flow API schema",
    path: toJsonPath(pointer),
    detail: `${e.message ?? "invalid"}${extra} (got ${describe(valueAt(data, e.instancePath))})`,
  });
}

function idOf(item: unknown): number | undefined {
  const id = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
  return typeof id === "number" ? id : undefined;
}

/** Validates one integration; throws a FlowApiError naming the operation, id and JSON path. */
export function validateIntegration(operation: string, data: unknown, prefix = ""): Integration {
  const v = get().Integration;
  if (!v(data)) fail(operation, data, v.errors ?? [], idOf(data), prefix);
  return data;
}

/** Validates a list page: the envelope, then each integration on its own so errors name its id. */
export function validateIntegrationList(operation: string, data: unknown): IntegrationList {
  const v = get().IntegrationListEnvelope;
  if (!v(data)) fail(operation, data, v.errors ?? []);
  const results = (data as { results: unknown[] }).results;
  results.forEach((item, i) => validateIntegration(operation, item, `/results/${i}`));
  return data as IntegrationList;
}

/** Validates a connection status body. */
export function validateConnectionStatus(operation: string, data: unknown, integrationId: number): ConnectionStatus {
  const v = get().ConnectionStatus;
  if (!v(data)) fail(operation, data, v.errors ?? [], integrationId);
  return data;
}

/** The DRF `detail` of an error body, if it is one. */
export function errorDetail(data: unknown): string | undefined {
  return get().Error(data) ? (data as { detail: string }).detail : undefined;
}
