/**
 * Provider-side runtime of the Flow dynamic resources. The serialized provider only holds
 * tiny functions that `require("pulumi-flow/dist/pulumi/runtime")` when the engine calls
 * them, so no client, token or agent is ever captured in state (`__provider`).
 */
import { createFlowClient } from "../api/client";
import { changedPaths } from "../inventory/diff";
import { resolveSettings } from "./settings";
import { toIntegrationState, type IntegrationState } from "./state";

let stackConfig: ((key: string) => string | undefined) | undefined;

/** Called from the provider's configure(): remembers the stack config (flow:apiUrl, flow:token). */
export function configure(get: (key: string) => string | undefined): void {
  stackConfig = get;
}

/** Reads one integration and its connection status from Flow (refresh and `Integration.get`). */
export async function readIntegration(id: number): Promise<IntegrationState> {
  const settings = resolveSettings({}, stackConfig && { get: (k) => stackConfig!(`flow:${k}`) });
  const client = createFlowClient({ baseUrl: settings.apiUrl, token: settings.token });
  const [integration, connectionStatus] = await Promise.all([client.getIntegration(id), client.getConnectionStatus(id)]);
  return toIntegrationState({ integration, connectionStatus });
}

/** The provider's diff: every changed field path, as an in-place update (never a replace). */
export function diff(olds: Record<string, unknown>, news: Record<string, unknown>): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; detailedDiff: Record<string, { kind: "update"; inputDiff: boolean }> } {
  const paths = changedPaths(olds, news);
  const detailedDiff: Record<string, { kind: "update"; inputDiff: boolean }> = {};
  for (const p of paths) detailedDiff[p] = { kind: "update", inputDiff: true };
  return { changes: paths.length > 0, replaces: [], deleteBeforeReplace: false, detailedDiff };
}
