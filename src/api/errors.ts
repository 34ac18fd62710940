import { redactSecrets } from "./ingest";

/** What went wrong when talking to Flow; decides whether a caller may retry or must stop. */
export type FlowErrorKind = "http" | "network" | "timeout" | "validation" | "config" | "foreign-origin" | "inconsistent";

/** Fields of a FlowApiError; everything but `kind` and `summary` is optional. */
export interface FlowApiErrorInit {
  kind: FlowErrorKind;
  /** One sentence saying what failed. */
  summary: string;
  /** The API operation, e.g. "listIntegrations". */
  operation?: string;
  /** The integration concerned, when known. */
  integrationId?: number;
  /** HTTP status, for kind "http". */
  status?: number;
  /** DRF `detail` from the error body, or other detail text. */
  detail?: string;
  /** JSON path of invalid data, for kind "validation". */
  path?: string;
  /** Number of attempts made (1 = no retry). */
  attempts?: number;
}

/**
 * A typed error from the Flow API layer. `message` is a summary plus detail that names the
 * operation and integration; it never contains the API token (see redact()).
 */
export class FlowApiError extends Error implements FlowApiErrorInit {
  readonly kind: FlowErrorKind;
  readonly summary: string;
  readonly operation?: string;
  readonly integrationId?: number;
  readonly status?: number;
  readonly detail?: string;
  readonly path?: string;
  readonly attempts?: number;

  constructor(init: FlowApiErrorInit) {
    super(formatMessage(init));
    this.name = "FlowApiError";
    this.kind = init.kind;
    this.summary = init.summary;
    this.operation = init.operation;
    this.integrationId = init.integrationId;
    this.status = init.status;
    this.detail = init.detail;
    this.path = init.path;
    this.attempts = init.attempts;
  }

  /** True when retrying later might succeed (rate limits, gateway errors, network, timeouts). */
  get transient(): boolean {
    return this.kind === "network" || this.kind === "timeout" || (this.kind === "http" && isRetryableStatus(this.status ?? 0));
  }
}

function formatMessage(e: FlowApiErrorInit): string {
  const where = [e.operation ? `Flow API ${e.operation}` : "Flow API", e.integrationId !== undefined ? ` (integration ${e.integrationId})` : ""].join("");
  const parts = [`${where}: ${e.summary}`];
  if (e.path) parts.push(`at ${e.path}`);
  if (e.detail) parts.push(`— ${e.detail}`);
  if (e.attempts && e.attempts > 1) parts.push(`(after ${e.attempts} attempts)`);
  return parts.join(" ");
}

/** HTTP statuses worth retrying: rate limiting and gateway trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** Replaces the token and any Authorization-looking value with "[redacted]" (see ingest.ts). */
export const redact = redactSecrets;

/** The error for a missing API token, naming the ways to give one that work where it is raised. */
export function missingToken(ways: string): FlowApiError {
  return new FlowApiError({ kind: "config", summary: `no API token (a Flow API key, ideally a service account's): ${ways}` });
}
