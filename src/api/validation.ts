import type Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import { FlowApiError } from "./errors";
import { encodeSegment, newAjv, pointerSegments, toJsonPath } from "./json";
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
  const defs = JSON.parse(JSON.stringify(spec.components.schemas).split("#/components/schemas/").join("#/$defs/")) as Record<
    string,
    { properties?: Record<string, unknown> }
  >;
  const ajv = newAjv({ validateFormats: true, code: { source } });
  ajv.addSchema({ $id: "flow", $defs: defs });
  // The list envelope leaves `results` items to the per-item validator, so errors name the item.
  ajv.addSchema({ $id: "flow-list-envelope", ...defs.IntegrationList, properties: { ...defs.IntegrationList.properties, results: { type: "array" } } });
  return {
    ajv,
    refs: {
      Integration: "flow#/$defs/Integration",
      IntegrationListEnvelope: "flow-list-envelope",
      ConnectionStatus: "flow#/$defs/ConnectionStatus",
      Error: "flow#/$defs/Error",
    },
  };
}

/** The build's precompiled validators when they match the spec (5 ms to load instead of ~150 ms to compile). */
function precompiled(): Validators | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a build output that may be absent (then the spec is compiled)
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

/** "/enabled_source_types/0/status" → "enabled_source_types.status" (the field, whatever the array index). */
function toField(pointer: string): string {
  return pointerSegments(pointer)
    .filter((seg) => !/^\d+$/.test(seg))
    .join(".");
}

/** A short, bounded description of a value's shape: `a string ("yes")`, `an object`, `null`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `${typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : `a ${typeof value}`} (${shown})`;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Which response a data problem is in. */
export type DataDocument = "integration" | "connection_status";

/**
 * A field of one integration's data whose shape does not match the spec. It does not stop the
 * read: the rules that read `field` report an error for this integration; others are unaffected.
 */
export interface DataProblem {
  /** The integration the data belongs to. */
  integrationId: number;
  /** The integration record, or its connection-status body. */
  document: DataDocument;
  /** JSON path inside that document, e.g. `$.enabled_source_types[1].status`. */
  path: string;
  /** The field without array indexes, as rules name what they read: `enabled_source_types.status`, `connection_status.status`. */
  field: string;
  /** What the spec allows there, e.g. "boolean or null". */
  expected: string;
  /** What arrived, e.g. `a string ("yes")`, or "missing". */
  got: string;
}

/** One sentence about a data problem: field, path, what arrived and what was expected. */
export function describeProblem(p: DataProblem): string {
  const where = p.document === "connection_status" ? `connection_status ${p.path}` : p.path;
  return `${p.field} (${where}) is ${p.got}; expected ${p.expected}`;
}

/** "string, integer or null" from the errors Ajv reported at one place. */
function expectedOf(errors: ErrorObject[]): string {
  const parts: string[] = [];
  const add = (s: string) => {
    if (!parts.includes(s)) parts.push(s);
  };
  for (const e of errors) {
    const params = e.params as Record<string, unknown>;
    if (e.keyword === "type") for (const t of String(params.type).split(",")) add(t === "null" ? "null" : t);
    else if (e.keyword === "required") add("a value (the field is required)");
    else if (e.keyword === "pattern") add(patternName(String(params.pattern)));
    else if (e.keyword === "minimum") add(`a number >= ${String(params.limit)}`);
    else if (e.keyword === "format") add(`a ${String(params.format)}`);
    else if (e.keyword !== "oneOf" && e.keyword !== "anyOf") add(e.message ?? e.keyword);
  }
  if (parts.length === 0) return "a value the spec allows";
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
}

function patternName(pattern: string): string {
  if (pattern.startsWith("^\\d{4}-")) return "a date-time such as 2024-03-20T22:09:54.828795";
  if (pattern === "^[0-9]+$") return "a user id of digits";
  return `a string matching /${pattern}/`;
}

/**
 * Turns Ajv's errors into one problem per place: errors are grouped by location, and a place
 * with a deeper failing place below it is left out (a user object whose `is_active` is a string
 * is reported at `created_by.is_active`, not as "created_by must be an id or null").
 */
function problemsFrom(errors: readonly ErrorObject[], data: unknown, integrationId: number, document: DataDocument): DataProblem[] {
  const groups = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const pointer =
      e.keyword === "required" ? `${e.instancePath}/${encodeSegment(String((e.params as { missingProperty: string }).missingProperty))}` : e.instancePath;
    groups.set(pointer, [...(groups.get(pointer) ?? []), e]);
  }
  const pointers = [...groups.keys()];
  const leaves = pointers.filter((p) => !pointers.some((q) => q !== p && q.startsWith(`${p}/`)));
  const prefix = document === "connection_status" ? "connection_status" : "";
  return leaves.sort().map((pointer) => {
    const field = toField(pointer);
    return {
      integrationId,
      document,
      path: toJsonPath(pointer),
      field: prefix && field ? `${prefix}.${field}` : prefix || field || "$",
      expected: expectedOf(groups.get(pointer)!),
      got: describeValue(valueAt(data, pointer)),
    };
  });
}

/** The problems of one integration record (empty when it matches the spec). */
export function integrationProblems(data: unknown, integrationId: number): DataProblem[] {
  const v = get().Integration;
  return v(data) ? [] : problemsFrom(v.errors ?? [], data, integrationId, "integration");
}

/** The problems of one connection-status body (empty when it matches the spec's assumption). */
export function connectionStatusProblems(data: unknown, integrationId: number): DataProblem[] {
  const v = get().ConnectionStatus;
  return v(data) ? [] : problemsFrom(v.errors ?? [], data, integrationId, "connection_status");
}

/** Every data problem of an inventory record: its integration, and its connection status when one was read. */
export function recordProblems(record: { integration: unknown; connectionStatus?: unknown }): DataProblem[] {
  const id = usableId(record.integration) ?? 0;
  const problems = integrationProblems(record.integration, id);
  if (record.connectionStatus !== undefined) problems.push(...connectionStatusProblems(record.connectionStatus, id));
  return problems;
}

/** The record's id when it is a positive safe integer, else undefined. */
export function usableId(item: unknown): number | undefined {
  const id = item && typeof item === "object" && !Array.isArray(item) ? (item as { id?: unknown }).id : undefined;
  return typeof id === "number" && Number.isSafeInteger(id) && id >= 1 ? id : undefined;
}

function invalid(operation: string, summary: string, path: string, detail: string, integrationId?: number): never {
  throw new FlowApiError({ kind: "validation", operation, integrationId, summary, path, detail });
}

/**
 * Accepts one integration record when it can be identified: an object with a usable `id`
 * (a positive integer). Other fields are not checked here; the rules that read them do (see
 * recordProblems), so one malformed field cannot make a whole tenant unreadable.
 */
export function validateIntegration(operation: string, data: unknown, prefix = ""): Integration {
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    invalid(operation, "an integration record is not a JSON object", toJsonPath(prefix), `got ${describeValue(data)}`);
  }
  if (usableId(data) === undefined) {
    invalid(
      operation,
      "an integration record has no usable id (a positive integer), so it cannot be identified",
      toJsonPath(`${prefix}/id`),
      `got ${describeValue((data as { id?: unknown }).id)}`,
    );
  }
  return data as Integration;
}

/** Validates a list page: the DRF envelope, then that each record can be identified. */
export function validateIntegrationList(operation: string, data: unknown): IntegrationList {
  const v = get().IntegrationListEnvelope;
  if (!v(data)) {
    const e = [...(v.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const extra = e?.keyword === "required" ? ` '${(e.params as { missingProperty: string }).missingProperty}'` : "";
    invalid(
      operation,
      "the response is not a page of integrations (a DRF list with `results`)",
      toJsonPath(e?.instancePath ?? ""),
      `${e?.message ?? "invalid"}${extra} (got ${describeValue(valueAt(data, e?.instancePath ?? ""))})`,
    );
  }
  data.results.forEach((item, i) => validateIntegration(operation, item, `/results/${i}`));
  return data;
}

/** The DRF `detail` of an error body, if it is one. */
export function errorDetail(data: unknown): string | undefined {
  return get().Error(data) ? data.detail : undefined;
}
