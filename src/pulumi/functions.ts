import * as pulumi from "@pulumi/pulumi";
import { createFlowClient } from "../api/client";
import { FlowApiError } from "../api/errors";
import type { IntegrationQuery, InventoryRecord } from "../api/types";
import { describeProblem, recordProblems } from "../api/validation";
import { PlainTokenError, resolveSettings, type ConfigSource, type FlowConnectionArgs, type ResolvedSettings } from "./settings";

/** Arguments of getIntegrations: API filters plus connection settings. */
export interface GetIntegrationsArgs extends FlowConnectionArgs {
  /** DRF filters, e.g. `{ vendor_type__in: "github,gitlab" }`. */
  filter?: IntegrationQuery;
  /** Also read each integration's connection status (default true). */
  connectionStatus?: boolean;
}

/** Arguments of getIntegration. */
export interface GetIntegrationArgs extends FlowConnectionArgs {
  /** The Flow integration id. */
  id: number;
  /** Also read the connection status (default true). */
  connectionStatus?: boolean;
}

/** The program's `flow:` stack config (read raw: a secret's value is needed to call Flow, and never leaves this process). */
function stackConfig(): ConfigSource | undefined {
  try {
    pulumi.getStack();
  } catch {
    return undefined; // not inside a Pulumi program
  }
  // isConfigSecret is in every SDK this package supports, though not in its type declarations.
  const runtime = pulumi.runtime as typeof pulumi.runtime & { isConfigSecret?: (key: string) => boolean };
  return {
    get: (key) => runtime.getConfig(`flow:${key}`),
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
 * source-map-support that took ~25 s of CPU per failed preview here (30 s instead of 8 s).
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

/** Reads every integration matching the filter, with connection status (Terraform-data-source style). */
export async function getIntegrations(args: GetIntegrationsArgs = {}): Promise<InventoryRecord[]> {
  return read(() => client(args).getInventory(args.filter ?? {}, { connectionStatus: args.connectionStatus ?? true }));
}

/** The arguments of getIntegrationsOutput: each may be an Output (a secret token stays secret). */
export interface GetIntegrationsOutputArgs {
  filter?: pulumi.Input<IntegrationQuery>;
  connectionStatus?: pulumi.Input<boolean>;
  apiUrl?: pulumi.Input<string>;
  token?: pulumi.Input<string>;
  client?: FlowConnectionArgs["client"];
}

/** getIntegrations as an Output, for use with other Outputs (secret when the token is). */
export function getIntegrationsOutput(args: GetIntegrationsOutputArgs = {}): pulumi.Output<InventoryRecord[]> {
  const { client: tuning, ...inputs } = args;
  return pulumi.output(inputs).apply((a) => getIntegrations({ ...(a as Omit<GetIntegrationsArgs, "client">), client: tuning }));
}

/** Reads one integration by id, with its connection status. */
export async function getIntegration(args: GetIntegrationArgs): Promise<InventoryRecord> {
  if (!Number.isSafeInteger(args.id) || args.id < 1) {
    throw new FlowApiError({ kind: "config", operation: "getIntegration", summary: `id must be a positive integer (got ${JSON.stringify(args.id)})` });
  }
  return read(async () => {
    const c = client(args);
    const [integration, connectionStatus] = await Promise.all([
      c.getIntegration(args.id),
      args.connectionStatus === false ? Promise.resolve(undefined) : c.getConnectionStatus(args.id),
    ]);
    return connectionStatus ? { integration, connectionStatus } : { integration };
  });
}

/** The arguments of getIntegrationOutput: each may be an Output (a secret token stays secret). */
export interface GetIntegrationOutputArgs {
  id: pulumi.Input<number>;
  connectionStatus?: pulumi.Input<boolean>;
  apiUrl?: pulumi.Input<string>;
  token?: pulumi.Input<string>;
  client?: FlowConnectionArgs["client"];
}

/** getIntegration as an Output (secret when the token is). */
export function getIntegrationOutput(args: GetIntegrationOutputArgs): pulumi.Output<InventoryRecord> {
  const { client: tuning, ...inputs } = args;
  return pulumi.output(inputs).apply((a) => getIntegration({ ...(a as Omit<GetIntegrationArgs, "client">), client: tuning }));
}
