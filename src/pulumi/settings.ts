/**
 * Where the Pulumi side gets Flow's URL and token — and why the token never reaches the provider.
 *
 * The program (preview, up) reads Flow itself: explicit arguments win, then stack config
 * (`flow:apiUrl`, and `flow:token` only as a secret), then FLOW_API_URL / FLOW_API_TOKEN.
 *
 * The provider (refresh, `Integration.get` lookups) never sees the token through Pulumi: the engine
 * hands a provider's configuration to it as the provider resource's inputs, which are stored in
 * state and printed in the engine's verbose logs. So the Flow resources use an explicit
 * provider whose only input is the (non-secret) API URL, and the provider takes the token from
 * the FLOW_API_TOKEN environment variable of the `pulumi refresh` that needs it.
 */
import type { FlowClientOptions } from "../api/client";

/** Connection settings for Flow, as given explicitly to a function or resource. */
export interface FlowConnectionArgs {
  /** Base URL up to /customer/core (default: stack config flow:apiUrl, then FLOW_API_URL, then Flow Cloud). */
  apiUrl?: string | undefined;
  /** API token (default: secret stack config flow:token, then FLOW_API_TOKEN). Never stored in state or handed to the provider. */
  token?: string | undefined;
  /** Client tuning: timeouts, retries, concurrency, page size. */
  client?: Omit<FlowClientOptions, "baseUrl" | "token"> | undefined;
}

/** The settings in effect. */
export interface ResolvedSettings {
  apiUrl?: string;
  token?: string;
}

/** A source of stack configuration (the program's `flow:` namespace). */
export interface ConfigSource {
  get(key: "apiUrl" | "token"): string | undefined;
  /** Whether the key is stored as a secret. */
  isSecret?(key: "apiUrl" | "token"): boolean;
}

/** A stack-config token stored in plain text: refused, saying how to store it. */
export class PlainTokenError extends Error {
  constructor() {
    super(
      "flow:token is stored in plain text in the stack's config, so it would sit unencrypted in Pulumi.<stack>.yaml and the state: " +
        "remove it with `pulumi config rm flow:token` and set it again as a secret with `pulumi config set --secret flow:token <api key>` " +
        "(or use the FLOW_API_TOKEN environment variable)",
    );
    this.name = "PlainTokenError";
  }
}

/** Explicit arguments win, then stack config (flow:apiUrl, flow:token as a secret only), then FLOW_API_URL / FLOW_API_TOKEN. */
export function resolveSettings(
  args: FlowConnectionArgs,
  config: ConfigSource | undefined,
  env: Record<string, string | undefined> = process.env,
): ResolvedSettings {
  const configToken = config?.get("token");
  if (configToken !== undefined && config?.isSecret && !config.isSecret("token")) throw new PlainTokenError();
  return {
    apiUrl: args.apiUrl ?? config?.get("apiUrl") ?? env.FLOW_API_URL,
    token: args.token ?? configToken ?? env.FLOW_API_TOKEN,
  };
}

/** The provider's input that carries the API URL (the only setting it is given through Pulumi). */
export const PROVIDER_API_URL_KEY = "flow:apiUrl";

/** What the provider needs to read Flow at refresh: the URL from its inputs or the environment, the token from the environment only. */
export function providerSettings(apiUrlInput: string | undefined, env: Record<string, string | undefined> = process.env): ResolvedSettings {
  return { apiUrl: apiUrlInput ?? env.FLOW_API_URL, token: env.FLOW_API_TOKEN };
}

/** The ways of giving the provider a token, for the error when it has none. */
export const PROVIDER_TOKEN_HINT =
  "set FLOW_API_TOKEN in the environment of this `pulumi refresh` (or `pulumi up --refresh`, or the `pulumi preview`/`up` of a program that uses Integration.get): " +
  "refresh and Integration.get read Flow in the provider, which never receives the token through Pulumi " +
  "(stack config or an explicit `token` argument would be stored in its inputs, in the state and in verbose logs)";
