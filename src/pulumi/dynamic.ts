/**
 * The Flow dynamic providers. Each resource type's provider is the exports of a module of its
 * own (providers/integration.ts, providers/chunk.ts) that exports nothing but the provider's
 * methods, because of how the SDK stores a dynamic provider: it serializes the provider into
 * every resource's inputs and outputs (`__provider`), and its closure serializer captures an
 * object that is the exports of a module under `node_modules` as a `require()` of that module.
 * So an installed pulumi-flow stores a short require per resource instead of the functions
 * themselves, twice (inputs and outputs; the engine re-serializes all of state after every
 * step, so this is paid again and again; sizes: docs/performance.md#the-serialized-provider-in-state).
 *
 * The serializer names the module by its file (`pulumi-flow/dist/pulumi/providers/integration.js`)
 * and maps that through the package's `exports`, but it finds package.json by the first
 * "pulumi-flow" in the path, so a project under a folder named like `pulumi-flow-infra` gets
 * the file path itself: the package exports these two files under their own paths, so both
 * spellings load them.
 *
 * A linked copy (`npm link`, `file:` dependencies, workspaces, this repository) is not under
 * `node_modules` once Node resolves its real path, and the serializer copies the functions by
 * value, as small as they can be: the provider-side runtime is required through the package's
 * `pulumi-flow/provider` entry point when the engine calls a method, so no client, token or
 * agent is ever captured. A function defined in another module that refers to something it
 * imported refers to that module's exports object, which the serializer captures as a
 * `require()` of the file — a path the package's `exports` do not allow once installed. So
 * every function of a provider is built here, and what differs per resource type is passed in
 * as functions that use only their arguments.
 */
import type * as pulumi from "@pulumi/pulumi";

/** The provider-side runtime module (src/pulumi/runtime.ts). */
export type Runtime = typeof import("./runtime");

/** What a resource type's provider does, as functions of their arguments and the runtime only. */
export interface RecordingMethods {
  /** The resource's id from its inputs. */
  id(inputs: Record<string, unknown>): string;
  /** The engine's diff between the recorded and the new reading. */
  diff(rt: Runtime, olds: Record<string, unknown>, news: Record<string, unknown>): ReturnType<Runtime["diff"]> | ReturnType<Runtime["diffChunk"]>;
  /** Refresh: re-reads Flow; an empty id tells the engine the resource is gone. */
  read(rt: Runtime, id: string, props: Record<string, unknown> | undefined): Promise<pulumi.dynamic.ReadResult>;
}

/**
 * A provider that records what the program read and never writes to Flow: create and update
 * record the reading, delete only forgets state, configure takes the provider's inputs (the
 * API URL only), diff and read are the resource type's own.
 */
export function recordingProvider(methods: RecordingMethods): pulumi.dynamic.ResourceProvider {
  // Comments stay outside the functions: a linked copy stores their text in every resource.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by the engine's provider process, by package name
  const runtime = (): Runtime => require("pulumi-flow/provider") as Runtime;
  return {
    configure(req: pulumi.dynamic.ConfigureRequest) {
      runtime().configure((key: string) => req.config.get(key));
      return Promise.resolve();
    },
    // The SDK's server drops a detailed diff; forwardDetailedDiffs passes it on (detailed-diff.ts).
    diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const rt = runtime();
      rt.forwardDetailedDiffs();
      return Promise.resolve(rt.withDetailedDiff(methods.diff(rt, olds, news)));
    },
    create(inputs: Record<string, unknown>) {
      return Promise.resolve({ id: methods.id(inputs), outs: inputs });
    },
    update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
      return Promise.resolve({ outs: news });
    },
    // Forgetting an integration never touches Flow.
    delete() {
      return Promise.resolve();
    },
    read(id: string, props?: Record<string, unknown>) {
      return methods.read(runtime(), id, props);
    },
  };
}
