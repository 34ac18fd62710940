import * as pulumi from "@pulumi/pulumi";
import type { ChunkState } from "./chunk";
import { shortenFlowResponseDebugText } from "./debug-text";
import * as chunkProvider from "./providers/chunk";

/** Arguments of an IntegrationChunk: one bucket of the inventory (see toChunkStates). */
export interface IntegrationChunkArgs {
  state: ChunkState;
}

/**
 * Some of a tenant's integrations as one resource (readFlowIntegrations with `chunks`): the
 * integrations whose id % chunks is this chunk's number, keyed by id.
 */
export class IntegrationChunk extends pulumi.dynamic.Resource {
  /** This chunk's bucket, 0 … chunks - 1. */
  declare readonly chunk: pulumi.Output<number>;
  /** How many chunks the inventory is recorded in. */
  declare readonly chunks: pulumi.Output<number>;
  /** The integrations of this chunk by Flow id, each a ChunkEntry as JSON text (`chunkEntries` reads them). */
  declare readonly integrations: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: IntegrationChunkArgs, opts?: pulumi.CustomResourceOptions) {
    shortenFlowResponseDebugText();
    super(chunkProvider, name, { chunk: args.state.chunk, chunks: args.state.chunks, integrations: args.state.integrations }, opts, "flow", "IntegrationChunk");
  }
}
