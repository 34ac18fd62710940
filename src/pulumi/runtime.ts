/**
 * Provider-side runtime of the Flow dynamic resources. The serialized provider only holds
 * tiny functions that `require("pulumi-flow/dist/pulumi/runtime")` when the engine calls
 * them, so no client, token or agent is ever captured in state (`__provider`).
 */
import { createFlowClient } from "../api/client";
import { resolveSettings, type ResolvedSettings } from "./settings";
import { toIntegrationState, type IntegrationState } from "./state";

let configured: ResolvedSettings = {};

/** Called from the provider's configure(): remembers stack config flow:apiUrl / flow:token. */
export function configure(get: (key: string) => string | undefined): void {
  configured = resolveSettings({}, { get: (k) => get(`flow:${k}`) });
}

/** Reads one integration and its connection status from Flow (refresh and `Integration.get`). */
export async function readIntegration(id: number): Promise<IntegrationState> {
  const settings = { ...resolveSettings({}, undefined), ...stripUndefined(configured) };
  const client = createFlowClient({ baseUrl: settings.apiUrl, token: settings.token });
  const [integration, connectionStatus] = await Promise.all([client.getIntegration(id), client.getConnectionStatus(id)]);
  return toIntegrationState({ integration, connectionStatus });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
