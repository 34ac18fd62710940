/**
 * What the Flow dynamic providers share. The serialized provider (stored in state as
 * `__provider`) holds only small functions, copied by value; the provider-side runtime is
 * required through the package's `pulumi-flow/provider` entry point when the engine calls a
 * method, so no client, token or agent is ever captured.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The provider-side runtime, loaded when the engine calls a provider method. */
export function runtime(): typeof import("./runtime") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by the engine's provider process, by package name
  return require("pulumi-flow/provider") as typeof import("./runtime");
}

/**
 * The methods of a provider that records what the program read and never writes to Flow:
 * configure takes the provider's inputs (the API URL only), update records the new reading,
 * delete only forgets state.
 */
export const recordOnly = {
  configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    runtime().configure((key: string) => req.config.get(key));
    return Promise.resolve();
  },
  update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return Promise.resolve({ outs: news });
  },
  delete(): Promise<void> {
    // Forgetting an integration never touches Flow.
    return Promise.resolve();
  },
};
