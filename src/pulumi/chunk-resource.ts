import * as pulumi from "@pulumi/pulumi";
import type { ChunkState } from "./chunk";
import { shortenFlowResponseDebugText } from "./debug-text";
import { refuseImport } from "./integration";
import { chunkWithSecretUsers, secretPersonalData } from "./personal";
import * as chunkProvider from "./providers/chunk";

/** Arguments of an IntegrationChunk: one bucket of the inventory (see toChunkStates). */
export interface IntegrationChunkArgs {
  state: ChunkState;
  /** Record the user objects as Pulumi secrets (see IntegrationArgs.secretPersonalData; default true). */
  secretPersonalData?: boolean | undefined;
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
  /** The integrations of this chunk by Flow id, each a ChunkEntry as JSON text (`chunkEntries` reads them, with the shared values filled in). */
  declare readonly integrations: pulumi.Output<Record<string, string>>;
  /** The user objects the entries share, by user id, as JSON text. */
  declare readonly users: pulumi.Output<Record<string, string>>;
  /** The vendor descriptions the entries share, by vendor name, as JSON text. */
  declare readonly vendorMeta: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: IntegrationChunkArgs, opts?: pulumi.CustomResourceOptions) {
    refuseImport("IntegrationChunk", name, opts);
    shortenFlowResponseDebugText();
    const { chunk, chunks, integrations, users, vendorMeta } = args.state;
    const props = { chunk, chunks, integrations, users, vendorMeta };
    const secret = secretPersonalData(args.secretPersonalData, `IntegrationChunk '${name}'`);
    super(chunkProvider, name, secret ? chunkWithSecretUsers(props) : props, opts, "flow", "IntegrationChunk");
  }
}
