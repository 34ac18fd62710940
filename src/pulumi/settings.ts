import type { FlowClientOptions } from "../api/client";

/** Connection settings for Flow, as given explicitly to a function or resource. */
export interface FlowConnectionArgs {
  /** Base URL up to /customer/core (default: stack config flow:apiUrl, then FLOW_API_URL, then Flow Cloud). */
  apiUrl?: string;
  /** API token (default: stack config flow:token, then FLOW_API_TOKEN). Never stored in state. */
  token?: string;
  /** Client tuning: timeouts, retries, concurrency, page size. */
  client?: Omit<FlowClientOptions, "baseUrl" | "token">;
}

/** Where a setting came from, for error messages that say what to fix. */
export interface ResolvedSettings {
  apiUrl?: string;
  token?: string;
}

/** A source of stack configuration (pulumi.Config("flow") in a program, ConfigureRequest in a provider). */
export interface ConfigSource {
  get(key: "apiUrl" | "token"): string | undefined;
}

/** Explicit arguments win, then stack config (flow:apiUrl, flow:token), then FLOW_API_URL / FLOW_API_TOKEN. */
export function resolveSettings(args: FlowConnectionArgs, config: ConfigSource | undefined, env: Record<string, string | undefined> = process.env): ResolvedSettings {
  return {
    apiUrl: args.apiUrl ?? config?.get("apiUrl") ?? env.FLOW_API_URL,
    token: args.token ?? config?.get("token") ?? env.FLOW_API_TOKEN,
  };
}
