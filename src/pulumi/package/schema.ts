/**
 * The schema of pulumi-flow's component package `flow` (the `component/` plugin folder): what
 * `pulumi package add`, `pulumi package gen-sdk` and Pulumi YAML see. Hand-written, because the
 * resources are served by our own provider (package-typed resources, not dynamic ones: a
 * dynamic provider needs the consumer project's node_modules, which a Go, Python or YAML stack
 * has not); a unit test keeps it in step with the provider and the resource classes.
 */

/** The package name: its tokens are `flow:index:…`. */
export const PACKAGE_NAME = "flow";
/** The component that reads an inventory (the equivalent of readFlowIntegrations). */
export const INTEGRATIONS_COMPONENT = "flow:index:Integrations";

const integer = { type: "integer" } as const;
const string = { type: "string" } as const;
const boolean = { type: "boolean" } as const;
const any = { $ref: "pulumi.json#/Any" } as const;
const ids = (description: string) => ({ type: "array", items: integer, description });
const stringMap = (description: string) => ({ type: "object", additionalProperties: string, description });

/** Properties of a recorded integration (inputs = outputs), as the pack reads them. */
const integrationProperties = {
  integrationId: { ...integer, description: "The Flow integration id." },
  integration: { ...any, description: "Every field Flow returned for the integration." },
  connectionStatus: { ...any, description: "The integration's connection status, when it was read." },
  apiUrl: { ...string, description: "The Flow API the record was read from (refresh reads it again; the token comes from FLOW_API_TOKEN)." },
};

/** Properties of a chunk: some integrations of the inventory in one resource (see docs/stack.md, "Granularity"). */
const chunkProperties = {
  chunk: { ...integer, description: "This chunk's bucket, 0 … chunks - 1 (integration id modulo chunks)." },
  chunks: { ...integer, description: "How many chunks the inventory is recorded in." },
  integrations: stringMap("The integrations of this chunk by Flow id, each as JSON text."),
  users: stringMap("The user objects the entries share, by user id, as JSON text."),
  vendorMeta: stringMap("The vendor descriptions the entries share, by vendor name, as JSON text."),
  apiUrl: integrationProperties.apiUrl,
};

/** The object types of the package: the client settings, the summary settings and the summary output. */
const TYPES = {
  "flow:index:ClientSettings": {
    type: "object",
    description: "How the Flow API is read: timeouts, retries, concurrency and budgets (every one has a default; see docs/api-client.md).",
    properties: {
      timeoutMs: { ...integer, description: "Per-attempt deadline in ms, headers and the whole body (default 30000)." },
      deadlineMs: { ...integer, description: "Deadline of the whole read in ms (default 600000)." },
      maxAttempts: { ...integer, description: "Attempts per request, the first included (default 5)." },
      concurrency: { ...integer, description: "Parallel connection-status requests (default 8)." },
      pageSize: { ...integer, description: "Page size asked of the list endpoint (default 1000)." },
      maxResponseBytes: { ...integer, description: "Largest response body, decompressed (default 33554432)." },
      maxTotalBytes: { ...integer, description: "Budget of response bytes for the whole read (default 268435456)." },
      maxRecords: { ...integer, description: "Most integrations a listing may hold (default 50000)." },
    },
  },
  "flow:index:SummarySettings": {
    type: "object",
    description: "Options of the summary output.",
    properties: {
      staleAfterDays: { type: "number", description: "Days after which a sync counts as stale (default 7)." },
      healthyStatuses: { type: "array", items: string, description: 'Connection status values that count as healthy (default ["connected"]).' },
    },
  },
  "flow:index:Summary": {
    type: "object",
    description: "Counts by vendor and auth type, and the ids of integrations needing attention.",
    properties: {
      total: { ...integer, description: "Integrations read." },
      byVendor: { type: "object", additionalProperties: integer, description: "Integrations by vendor." },
      byAuthType: { type: "object", additionalProperties: integer, description: "Integrations by auth type." },
      disconnected: ids("Ids whose connection status is not healthy (or was not read)."),
      webhooksOff: ids("Ids with webhooks off although the vendor supports them."),
      notRecentlySynced: ids("Ids whose last sync is older than staleAfterDays (or unknown)."),
    },
    required: ["total", "byVendor", "byAuthType", "disconnected", "webhooksOff", "notRecentlySynced"],
  },
};

/** The package schema (https://www.pulumi.com/docs/iac/extending-pulumi/schema/) for `version`. */
export function packageSchema(version: string): Record<string, unknown> {
  return {
    name: PACKAGE_NAME,
    displayName: "Appfire Flow",
    version,
    description: "Reads Appfire Flow (formerly Pluralsight Flow) integrations into Pulumi state, for the pulumi-flow CrossGuard policy pack to judge.",
    keywords: ["flow", "appfire", "pluralsight", "policy", "category/utility", "kind/component"],
    license: "Apache-2.0",
    repository: "https://github.com/pulumi-flow/pulumi-flow",
    publisher: "pulumi-flow",
    types: TYPES,
    resources: {
      [INTEGRATIONS_COMPONENT]: {
        isComponent: true,
        description:
          "Every Flow integration matching a filter, as a component with one flow:index:Integration child per integration (or flow:index:IntegrationChunk children with `chunks`), " +
          "which the pulumi-flow policy pack judges. Read-only towards Flow. The token: the FLOW_API_TOKEN environment variable, or `token` (a secret).",
        inputProperties: {
          apiUrl: { ...string, description: "Base URL up to /customer/core (default: FLOW_API_URL, then Flow Cloud)." },
          token: { ...string, secret: true, description: "API token (default: FLOW_API_TOKEN). Never stored in the children's state." },
          filter: stringMap('DRF filters of the list endpoint, e.g. {"vendor_type__in": "github,gitlab"}.'),
          connectionStatus: { ...boolean, description: "Also read each integration's connection status (default true)." },
          chunks: {
            ...integer,
            description: "Record the inventory in this many resources (1 to 1000) instead of one per integration (for tenants of thousands).",
          },
          client: { $ref: "#/types/flow:index:ClientSettings", description: "How the Flow API is read." },
          summary: { $ref: "#/types/flow:index:SummarySettings", description: "Options of the summary output." },
        },
        properties: {
          ids: ids("Ids of the integrations read."),
          count: { ...integer, description: "How many integrations were read." },
          summary: { $ref: "#/types/flow:index:Summary", description: "Counts and ids needing attention." },
        },
        required: ["ids", "count", "summary"],
      },
      "flow:index:Integration": {
        description: "One Flow integration as state (created by the Integrations component): diffable, refreshable, judged by the pulumi-flow policy pack.",
        inputProperties: integrationProperties,
        properties: integrationProperties,
        requiredInputs: ["integrationId", "integration"],
        required: ["integrationId", "integration"],
      },
      "flow:index:IntegrationChunk": {
        description: "Some integrations of an inventory as one resource (created by the Integrations component with `chunks`).",
        inputProperties: chunkProperties,
        properties: chunkProperties,
        requiredInputs: ["chunk", "chunks", "integrations"],
        required: ["chunk", "chunks", "integrations"],
      },
    },
    language: {
      go: { importBasePath: "github.com/pulumi-flow/pulumi-flow/sdk/go/flow", generateResourceContainerTypes: true },
      nodejs: { packageName: "@pulumi-flow/flow" },
      python: { packageName: "pulumi_flow_sdk" },
      csharp: { rootNamespace: "PulumiFlow" },
      java: { basePackage: "io.github.pulumiflow" },
    },
  };
}
