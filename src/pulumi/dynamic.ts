/**
 * The Flow dynamic providers. The serialized provider (stored in state as `__provider`) holds
 * only small functions, copied by value; the provider-side runtime is required through the
 * package's `pulumi-flow/provider` entry point when the engine calls a method, so no client,
 * token or agent is ever captured.
 *
 * Serialization copies a function with what it references. A function defined in another
 * module that refers to something it imported refers to that module's exports object, which
 * the SDK captures as a `require()` of the file — a path the package's `exports` do not
 * allow once installed. So every function of a provider is built here, and what differs per
 * resource type is passed in as functions that use only their arguments.
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
  const runtime = (): Runtime => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by the engine's provider process, by package name
    return require("pulumi-flow/provider") as Runtime;
  };
  return {
    configure(req: pulumi.dynamic.ConfigureRequest) {
      runtime().configure((key: string) => req.config.get(key));
      return Promise.resolve();
    },
    diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      return Promise.resolve(methods.diff(runtime(), olds, news));
    },
    create(inputs: Record<string, unknown>) {
      return Promise.resolve({ id: methods.id(inputs), outs: inputs });
    },
    update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
      return Promise.resolve({ outs: news });
    },
    delete() {
      // Forgetting an integration never touches Flow.
      return Promise.resolve();
    },
    read(id: string, props?: Record<string, unknown>) {
      return methods.read(runtime(), id, props);
    },
  };
}
