import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { FlowApiError } from "./errors";
import { loadSpec } from "./spec";
import type { ConnectionStatus, Integration, IntegrationList } from "./types";

/** Schema names from the spec that responses are validated against. */
export type SchemaName = "Integration" | "IntegrationList" | "ConnectionStatus" | "Error";

interface Validators {
  Integration: ValidateFunction<Integration>;
  /** The list envelope with `results` items left to the per-item validator. */
  IntegrationListEnvelope: ValidateFunction<IntegrationList>;
  ConnectionStatus: ValidateFunction<ConnectionStatus>;
  Error: ValidateFunction<{ detail: string }>;
}

let validators: Validators | undefined;

/** Compiles the spec's component schemas once (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
function compile(): Validators {
  const spec = loadSpec();
  // Component refs become $defs refs inside one schema document Ajv understands.
  const defs = JSON.parse(JSON.stringify(spec.components.schemas).split("#/components/schemas/").join("#/$defs/"));
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "flow", $defs: defs });
  const envelope = {
    ...defs.IntegrationList,
    properties: { ...defs.IntegrationList.properties, results: { type: "array" } },
  };
  return {
    Integration: ajv.compile<Integration>({ $ref: "flow#/$defs/Integration" }),
    IntegrationListEnvelope: ajv.compile<IntegrationList>(envelope),
    ConnectionStatus: ajv.compile<ConnectionStatus>({ $ref: "flow#/$defs/ConnectionStatus" }),
    Error: ajv.compile<{ detail: string }>({ $ref: "flow#/$defs/Error" }),
  };
}

function get(): Validators {
  validators ??= compile();
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
