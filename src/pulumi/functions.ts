import * as pulumi from "@pulumi/pulumi";
import { createFlowClient } from "../api/client";
import { FlowApiError } from "../api/errors";
import type { IntegrationQuery, InventoryRecord } from "../api/types";
import { describeProblem, recordProblems } from "../api/validation";
import { flowProviderSettings } from "./provider";
import { PlainTokenError, resolveSettings, type ConfigSource, type FlowConnectionArgs, type ResolvedSettings } from "./settings";

/** Arguments of getIntegrations: API filters plus connection settings. */
export interface GetIntegrationsArgs extends FlowConnectionArgs {
  /** DRF filters, e.g. `{ vendor_type__in: "github,gitlab" }`. */
  filter?: IntegrationQuery | undefined;
  /** Also read each integration's connection status (default true). */
  connectionStatus?: boolean | undefined;
}

/** Arguments of getIntegration. */
export interface GetIntegrationArgs extends FlowConnectionArgs {
  /** The Flow integration id. */
  id: number;
  /** Also read the connection status (default true). */
  connectionStatus?: boolean | undefined;
}

/** Whether this runs inside a Pulumi program (where stack config exists). */
function insideProgram(): boolean {
  try {
    pulumi.getStack();
    return true;
  } catch {
    return false;
  }
}

/** A `flow:` stack config value of the running program, raw; undefined when unset or outside a Pulumi program. */
export function flowStackConfig(key: string): string | undefined {
  return insideProgram() ? pulumi.runtime.getConfig(`flow:${key}`) : undefined;
}

/** The program's `flow:` stack config (read raw: a secret's value is needed to call Flow, and never leaves this process). */
function stackConfig(): ConfigSource | undefined {
  if (!insideProgram()) return undefined;
  // isConfigSecret is in every SDK this package supports, though not in its type declarations.
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  return {
    get: flowStackConfig,
    isSecret: runtime.isConfigSecret ? (key) => runtime.isConfigSecret!(`flow:${key}`) : undefined,
  };
}

/** The settings a read uses (a plain-text `flow:token` is refused as a RunError saying how to fix it). */
export function programSettings(args: FlowConnectionArgs): ResolvedSettings {
  try {
    return resolveSettings(args, stackConfig());
  } catch (e) {
    if (e instanceof PlainTokenError) throw runError(`pulumi-flow: ${e.message}`);
    throw e;
  }
}

function client(args: FlowConnectionArgs) {
  const settings = programSettings(args);
  return createFlowClient({ ...args.client, baseUrl: settings.apiUrl, token: settings.token });
}

/**
 * A RunError (printed without a stack) whose stack is never formatted: the SDK formats the stack
 * of every uncaught error for its tracing span, RunErrors included, and through
 * source-map-support that multiplied the CPU of a failed preview (measured: docs/performance.md).
 */
export function runError(message: string): pulumi.RunError {
  const e = new pulumi.RunError(message);
  e.stack = message;
  return e;
}

/**
 * Runs a read from Flow inside a Pulumi program: a FlowApiError becomes a RunError, which the
 * engine prints as one clear message (operation, integration, problem, what to do) without a
 * stack trace; fields Flow sent in a shape the spec does not allow are logged once as warnings.
 */
async function read<T extends InventoryRecord | InventoryRecord[]>(fn: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    if (e instanceof FlowApiError) throw runError(`pulumi-flow could not read Flow, so nothing was recorded or evaluated: ${e.message}`);
    throw e;
  }
  const records: InventoryRecord[] = Array.isArray(result) ? result : [result];
  for (const record of records) {
    const problems = recordProblems(record);
    if (problems.length === 0) continue;
    // The pack's rules that read these fields report errors (and fail the gate); others ignore them.
    void pulumi.log.warn(
      `Flow integration ${record.integration.id}: unusable data: ${problems.map(describeProblem).join("; ")}. Rules that read these fields report an error for this integration.`,
    );
  }
  return result;
}

/**
 * The connection arguments a read uses, given Pulumi's invoke options. These functions read Flow
 * in the program, not through an engine invoke, so of the options: `provider` takes only a
 * provider made by `flowProvider(apiUrl)`, whose API URL the read then uses (an explicit `apiUrl`
 * argument must agree); `version` and `pluginDownloadURL` choose a provider plugin, which these
 * reads do not have, so they are refused; `parent` and `async` have nothing to change and are
 * accepted as they are. A refused option is a RunError saying what to do instead.
 */
export function withInvokeOptions<A extends { apiUrl?: string }>(fn: string, args: A, opts: pulumi.InvokeOptions | undefined): A {
  if (!opts) return args;
  for (const key of ["version", "pluginDownloadURL"] as const) {
    if (opts[key] !== undefined) {
      throw runError(
        `${fn}: the ${key} invoke option does not apply: pulumi-flow reads Flow in the program, not through a provider plugin. Remove it (the API URL and token are arguments: apiUrl, token).`,
      );
    }
  }
  if (opts.provider === undefined) return args;
  const settings = flowProviderSettings(opts.provider);
  if (!settings) {
    throw runError(
      `${fn}: the provider invoke option takes only a provider made by flowProvider(apiUrl), whose API URL the read uses: pulumi-flow reads Flow in the program, not through a provider. Pass flowProvider(apiUrl), or the apiUrl argument.`,
    );
  }
  if (settings.apiUrl === undefined) return args;
  if (args.apiUrl !== undefined && args.apiUrl !== settings.apiUrl) {
    throw runError(`${fn}: the apiUrl argument (${args.apiUrl}) and the provider option's API URL (${settings.apiUrl}) differ: give one of them.`);
  }
  return { ...args, apiUrl: settings.apiUrl };
}

/** Reads every integration matching the filter, with connection status (Terraform-data-source style); `opts` as withInvokeOptions says. */
export async function getIntegrations(args: GetIntegrationsArgs = {}, opts?: pulumi.InvokeOptions): Promise<InventoryRecord[]> {
  const a = withInvokeOptions("getIntegrations", args, opts);
  return read(() => client(a).getInventory(a.filter ?? {}, { connectionStatus: a.connectionStatus ?? true }));
}

/** An item of `dependsOn` that is not a resource: the message the SDK's invokes give, as a RunError. */
function notAResource(fn: string, value: unknown): pulumi.RunError {
  return runError(`${fn}: 'dependsOn' was passed a value that was not a Resource (${typeof value}).`);
}

/** The custom resources a resource stands for: itself, or a component's children (as the SDK's invokes expand them). */
function customResources(resource: pulumi.Resource, into: Set<pulumi.Resource>): void {
  if (into.has(resource)) return;
  into.add(resource);
  if (pulumi.CustomResource.isInstance(resource)) return;
  // A component's children: the SDK's own field, in every SDK this package supports (not in its declarations).
  const children = (resource as unknown as { __childResources?: Set<pulumi.Resource> }).__childResources;
  for (const child of children ?? []) customResources(child, into);
}

/**
 * An Output that settles once every resource of `dependsOn` is created or read — each custom
 * resource's id, each component's children's — and carries them as dependencies. During a
 * preview it is unknown while one of them is still to be created, as an invoke's result is.
 */
export function afterDependencies(fn: string, dependsOn: pulumi.InvokeOutputOptions["dependsOn"]): pulumi.Output<unknown> {
  if (dependsOn === undefined) return pulumi.output(undefined);
  // What is given as it is is checked now, so that a wrong item fails where the call is written.
  for (const item of Array.isArray(dependsOn) ? (dependsOn as unknown[]) : [dependsOn]) {
    if (item !== undefined && item !== null && !pulumi.Resource.isInstance(item) && !pulumi.Output.isInstance(item) && !(item instanceof Promise)) {
      throw notAResource(fn, item);
    }
  }
  // pulumi.output unwraps Inputs and arrays, and keeps Resources as they are.
  const deps = pulumi.output(dependsOn as never) as pulumi.Output<unknown>;
  return deps.apply((value) => {
    const list = (Array.isArray(value) ? value : [value]) as unknown[];
    const all = new Set<pulumi.Resource>();
    for (const item of list) {
      if (item === undefined || item === null) continue;
      if (!pulumi.Resource.isInstance(item)) throw notAResource(fn, item);
      customResources(item, all);
    }
    const waits = [...all].map((r) => (pulumi.CustomResource.isInstance(r) && r.id ? r.id : r.urn));
    return pulumi.all(waits);
  });
}

/** The arguments of getIntegrationsOutput: each may be an Output (a secret token stays secret). */
export interface GetIntegrationsOutputArgs {
  filter?: pulumi.Input<IntegrationQuery> | undefined;
  connectionStatus?: pulumi.Input<boolean> | undefined;
  apiUrl?: pulumi.Input<string> | undefined;
  token?: pulumi.Input<string> | undefined;
  client?: FlowConnectionArgs["client"] | undefined;
}

/**
 * getIntegrations as an Output, for use with other Outputs (secret when the token is). With
 * `opts.dependsOn`, Flow is read once those resources are created (see afterDependencies);
 * the other options as getIntegrations takes them.
 */
export function getIntegrationsOutput(args: GetIntegrationsOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<InventoryRecord[]> {
  const { client: tuning, ...inputs } = args;
  // Checked now: a refused option fails where it is written, not when the Output settles.
  withInvokeOptions("getIntegrationsOutput", {}, opts);
  return pulumi
    .all([pulumi.output(inputs), afterDependencies("getIntegrationsOutput", opts?.dependsOn)])
    .apply(([a]) => getIntegrations({ ...(a as Omit<GetIntegrationsArgs, "client">), client: tuning }, opts));
}

/** Reads one integration by id, with its connection status; `opts` as getIntegrations takes them. */
export async function getIntegration(args: GetIntegrationArgs, opts?: pulumi.InvokeOptions): Promise<InventoryRecord> {
  const a = withInvokeOptions("getIntegration", args, opts);
  if (!Number.isSafeInteger(a.id) || a.id < 1) {
    throw new FlowApiError({ kind: "config", operation: "getIntegration", summary: `id must be a positive integer (got ${JSON.stringify(a.id)})` });
  }
  return read(async () => {
    const c = client(a);
    const [integration, connectionStatus] = await Promise.all([
      c.getIntegration(a.id),
      a.connectionStatus === false ? Promise.resolve(undefined) : c.getConnectionStatus(a.id),
    ]);
    return connectionStatus ? { integration, connectionStatus } : { integration };
  });
}

/** The arguments of getIntegrationOutput: each may be an Output (a secret token stays secret). */
export interface GetIntegrationOutputArgs {
  id: pulumi.Input<number>;
  connectionStatus?: pulumi.Input<boolean> | undefined;
  apiUrl?: pulumi.Input<string> | undefined;
  token?: pulumi.Input<string> | undefined;
  client?: FlowConnectionArgs["client"] | undefined;
}

/** getIntegration as an Output (secret when the token is); `opts` as getIntegrationsOutput takes them. */
export function getIntegrationOutput(args: GetIntegrationOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<InventoryRecord> {
  const { client: tuning, ...inputs } = args;
  withInvokeOptions("getIntegrationOutput", {}, opts);
  return pulumi
    .all([pulumi.output(inputs), afterDependencies("getIntegrationOutput", opts?.dependsOn)])
    .apply(([a]) => getIntegration({ ...(a as Omit<GetIntegrationArgs, "client">), client: tuning }, opts));
}
