import * as pulumi from "@pulumi/pulumi";
import { createFlowClient } from "../api/client";
import { FlowApiError } from "../api/errors";
import type { IntegrationQuery, InventoryRecord } from "../api/types";
import { resolveSettings, type FlowConnectionArgs } from "./settings";

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

function stackConfig(): { get(key: "apiUrl" | "token"): string | undefined } | undefined {
  try {
    const config = new pulumi.Config("flow");
    return { get: (key) => config.get(key) };
  } catch {
    return undefined; // not inside a Pulumi program
  }
}

function client(args: FlowConnectionArgs) {
  const settings = resolveSettings(args, stackConfig());
  return createFlowClient({ ...args.client, baseUrl: settings.apiUrl, token: settings.token });
}

/** Reads every integration matching the filter, with connection status (Terraform-data-source style). */
export async function getIntegrations(args: GetIntegrationsArgs = {}): Promise<InventoryRecord[]> {
  return client(args).getInventory(args.filter ?? {}, { connectionStatus: args.connectionStatus ?? true });
}

/** getIntegrations as an Output, for use with other Outputs. */
export function getIntegrationsOutput(args: pulumi.Input<GetIntegrationsArgs> = {}): pulumi.Output<InventoryRecord[]> {
  return pulumi.output(args).apply((a) => getIntegrations(a as GetIntegrationsArgs));
}

/** Reads one integration by id, with its connection status. */
export async function getIntegration(args: GetIntegrationArgs): Promise<InventoryRecord> {
  if (!Number.isSafeInteger(args.id) || args.id < 1) {
    throw new FlowApiError({ kind: "config", operation: "getIntegration", summary: `id must be a positive integer (got ${JSON.stringify(args.id)})` });
  }
  const c = client(args);
  const [integration, connectionStatus] = await Promise.all([
    c.getIntegration(args.id),
    args.connectionStatus === false ? Promise.resolve(undefined) : c.getConnectionStatus(args.id),
  ]);
  return connectionStatus ? { integration, connectionStatus } : { integration };
}

/** getIntegration as an Output. */
export function getIntegrationOutput(args: pulumi.Input<GetIntegrationArgs>): pulumi.Output<InventoryRecord> {
  return pulumi.output(args).apply((a) => getIntegration(a as GetIntegrationArgs));
}
