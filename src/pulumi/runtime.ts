/**
 * Provider-side runtime of the Flow dynamic resources, loaded by the serialized provider when the
 * engine calls it (refresh, `Integration.get`, diffs). Nothing of it is captured in state.
 */
import { createFlowClient } from "../api/client";
import { FlowApiError, missingToken } from "../api/errors";
import { changedPaths, withoutVolatile } from "../inventory/diff";
import { PROVIDER_API_URL_KEY, PROVIDER_TOKEN_HINT, providerSettings } from "./settings";
import { toIntegrationState, type IntegrationState } from "./state";

let providerConfig: ((key: string) => string | undefined) | undefined;

/** Called from the provider's configure(): remembers the provider's inputs (the API URL only). */
export function configure(get: (key: string) => string | undefined): void {
  providerConfig = get;
}

/** An error for the engine: its message only (the dynamic provider prints an error's stack, which would point into files the package does not ship). */
function clean(e: unknown): Error {
  const error = new Error(e instanceof Error ? e.message : String(e));
  error.stack = "";
  return error;
}

/**
 * Reads one integration and its connection status from Flow (refresh and `Integration.get`).
 * Undefined when Flow no longer has it: refresh then shows the resource as deleted.
 */
export async function readIntegration(id: number): Promise<IntegrationState | undefined> {
  const settings = providerSettings(providerConfig?.(PROVIDER_API_URL_KEY));
  try {
    if (!settings.token) throw missingToken(PROVIDER_TOKEN_HINT);
    const client = createFlowClient({ baseUrl: settings.apiUrl, token: settings.token });
    try {
      const [integration, connectionStatus] = await Promise.all([client.getIntegration(id), client.getConnectionStatus(id)]);
      return toIntegrationState({ integration, connectionStatus });
    } finally {
      client.close();
    }
  } catch (e) {
    if (e instanceof FlowApiError && e.kind === "http" && e.status === 404) return undefined;
    throw clean(e);
  }
}

/**
 * The provider's diff: every changed field path, as an in-place update (never a replace).
 * Volatile fields (sync and check timestamps) do not count as drift.
 */
export function diff(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean; detailedDiff: Record<string, { kind: "update"; inputDiff: boolean }> } {
  const paths = changedPaths(withoutVolatile(olds), withoutVolatile(news));
  const detailedDiff: Record<string, { kind: "update"; inputDiff: boolean }> = {};
  for (const p of paths) detailedDiff[p] = { kind: "update", inputDiff: true };
  return { changes: paths.length > 0, replaces: [], deleteBeforeReplace: false, detailedDiff };
}
