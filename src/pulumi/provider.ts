/**
 * The explicit provider of the Flow resources. Without it, they would use the engine's default
 * `pulumi-nodejs` provider, which the engine configures with the whole stack config — a secret
 * `flow:token` included — storing it in the provider's inputs in state and printing it in
 * verbose logs. This provider's only input is the API URL (see settings.ts).
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_API_URL_KEY } from "./settings";

/** A `pulumi-nodejs` provider configured with the Flow API URL only. */
class FlowProvider extends pulumi.ProviderResource {
  constructor(name: string, apiUrl: string | undefined) {
    super("pulumi-nodejs", name, apiUrl ? { [PROVIDER_API_URL_KEY]: apiUrl } : {});
  }
}

/**
 * The providers made so far, per run: keyed by the run's root stack resource, because one process
 * may run several programs (the Automation API's inline programs, one after another or at once),
 * and a provider resource registered in one run is unknown to the next. Outside a stack (the
 * component package's provider), one map for the process.
 */
const providersByRun = new WeakMap<object, Map<string, pulumi.ProviderResource>>();
const outsideAnyStack = {};

function runProviders(): Map<string, pulumi.ProviderResource> {
  const run = pulumi.runtime.getStackResource() ?? outsideAnyStack;
  let providers = providersByRun.get(run);
  if (!providers) {
    providers = new Map();
    providersByRun.set(run, providers);
  }
  return providers;
}
/** The API URL each provider made by flowProvider() was made for (undefined: the default resolution). */
const urls = new WeakMap<pulumi.ProviderResource, { apiUrl: string | undefined }>();

/** The API URL a provider made by flowProvider() reads (`{ apiUrl: undefined }` for the default one); undefined for any other provider. */
export function flowProviderSettings(provider: pulumi.ProviderResource): { apiUrl: string | undefined } | undefined {
  return urls.get(provider);
}

/**
 * The provider for Flow resources read from `apiUrl` (one per URL and run, named after a hash of
 * the URL so it stays the same from run to run).
 */
export function flowProvider(apiUrl: string | undefined): pulumi.ProviderResource {
  const key = apiUrl ?? "";
  const providers = runProviders();
  let provider = providers.get(key);
  if (!provider) {
    provider = new FlowProvider(`flow-provider-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`, apiUrl);
    providers.set(key, provider);
    urls.set(provider, { apiUrl: apiUrl || undefined });
  }
  return provider;
}
