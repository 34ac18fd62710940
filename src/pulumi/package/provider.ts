/**
 * The provider of the component package `flow` (served from the `component/` plugin folder by
 * `@pulumi/pulumi/provider`'s host): `construct` builds the Integrations component for a stack of
 * any language, and the CRUD methods serve its children — records that never write to Flow:
 * create and update record the reading, delete forgets it, read (refresh) reads Flow again with
 * the token from FLOW_API_TOKEN, diff reports every changed field as an update.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import * as runtime from "../runtime";
import type { ChunkState } from "../chunk";
import { PACKAGE_CHUNK_TYPE } from "../type";
import { IntegrationsComponent, type IntegrationsInputs } from "./component";
import { INTEGRATIONS_COMPONENT, packageSchema } from "./schema";

/** The type token in a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** The plain value of an input (construct may hand Outputs: a secret token, a value from another resource). */
async function plain<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
  if (!pulumi.Output.isInstance(value)) return value;
  // Every Output has promise(); the SDK's type declarations do not show it.
  return (value as unknown as { promise(): Promise<T> }).promise();
}

/** The component's inputs as plain values. */
async function resolveInputs(inputs: pulumi.Inputs): Promise<IntegrationsInputs> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) out[k] = await plain(v as pulumi.Input<unknown>);
  return out;
}

function apiUrlOf(props: Record<string, unknown> | undefined): string | undefined {
  return typeof props?.apiUrl === "string" ? props.apiUrl : undefined;
}

/**
 * Refresh, and `pulumi import`: the record read again (kept with the API URL it came from, else
 * FLOW_API_URL), or an empty id when Flow no longer has it. Inputs are the state (a record's
 * inputs are its outputs), which is what lets the engine import one.
 */
async function read(id: string, urn: string, props: Record<string, unknown> | undefined): Promise<provider.ReadResult> {
  const apiUrl = apiUrlOf(props);
  const extra = apiUrl ? { apiUrl } : {};
  if (typeOfUrn(urn) === PACKAGE_CHUNK_TYPE) {
    if (!props || typeof props.chunk !== "number")
      throw new Error(
        `a flow:index:IntegrationChunk cannot be imported or read by id alone (${id}); import single integrations (flow:index:Integration) or declare a flow:index:Integrations component`,
      );
    const state = { ...(await runtime.readChunk(props as unknown as ChunkState, apiUrl)), ...extra };
    return { id, props: state, inputs: state };
  }
  const integrationId = Number(id);
  if (!Number.isSafeInteger(integrationId) || integrationId < 1) throw new Error(`'${id}' is not a Flow integration id (a positive integer)`);
  const read = await runtime.readIntegration(integrationId, apiUrl);
  if (!read) return { id: "", props: {} };
  const state = { ...read, ...extra };
  return { id, props: state, inputs: state };
}

/** The provider of the `flow` package at `version`. */
export function packageProvider(version: string): provider.Provider {
  return {
    version,
    getSchema: () => Promise.resolve(JSON.stringify(packageSchema(version))),
    check: (_urn, _olds, news) => Promise.resolve({ inputs: news as unknown }),
    diff: (_id, urn, olds, news) =>
      Promise.resolve(
        typeOfUrn(urn) === PACKAGE_CHUNK_TYPE
          ? runtime.diffChunk(olds as Record<string, unknown>, news as Record<string, unknown>)
          : runtime.diff(olds as Record<string, unknown>, news as Record<string, unknown>),
      ),
    create: (urn, inputs: Record<string, unknown>) =>
      Promise.resolve({
        id: typeOfUrn(urn) === PACKAGE_CHUNK_TYPE ? `chunk-${String(inputs.chunk)}-of-${String(inputs.chunks)}` : String(inputs.integrationId),
        outs: inputs,
      }),
    read,
    update: (_id, _urn, _olds, news) => Promise.resolve({ outs: news as unknown }),
    // Forgetting an integration never touches Flow.
    delete: () => Promise.resolve(),
    async construct(name, type, inputs, options) {
      if (type !== INTEGRATIONS_COMPONENT) throw new Error(`the flow package has no component ${type} (it has ${INTEGRATIONS_COMPONENT})`);
      const component = await IntegrationsComponent.create(name, await resolveInputs(inputs), options);
      return { urn: component.urn, state: { ids: component.ids, count: component.count, summary: component.summary } };
    },
  };
}

/** Serves the `flow` package over gRPC for the engine (the plugin's entry point; `args` are the plugin's command-line arguments). */
export function servePackage(version: string, args: string[]): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider host is only loaded when the plugin runs
  const host = require("@pulumi/pulumi/provider") as typeof provider;
  return host.main(packageProvider(version), args);
}
