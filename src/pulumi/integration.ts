import * as pulumi from "@pulumi/pulumi";
import type { ConnectionStatus, Integration as FlowIntegrationData, InventoryRecord } from "../api/types";
import { toIntegrationState, type IntegrationState } from "./state";

export { INTEGRATION_TYPE } from "./type";

/**
 * The provider-side runtime, loaded when the engine calls a provider method. The serialized
 * provider (stored in state as `__provider`) holds only these small functions, copied by value;
 * the runtime module is required by the installed package's name at run time, so no client,
 * token or agent is ever captured.
 */
function runtime(): typeof import("./runtime") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("pulumi-flow/dist/pulumi/runtime");
}

/**
 * The dynamic provider. Flow is read by the program (so live data is in the checked inputs
 * that preview and policies see); the provider never writes to Flow: create and update
 * record what was read, delete only forgets state, and read (refresh, `Integration.get`)
 * re-reads Flow.
 */
const integrationProvider: pulumi.dynamic.ResourceProvider = {
  async configure(req: pulumi.dynamic.ConfigureRequest) {
    runtime().configure((key: string) => req.config.get(key));
  },
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    return runtime().diff(olds, news);
  },
  async create(inputs: Record<string, unknown>) {
    return { id: String(inputs.integrationId), outs: inputs };
  },
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { outs: news };
  },
  async delete() {
    // Forgetting an integration never touches Flow.
  },
  async read(id: string) {
    return { id, props: await runtime().readIntegration(Number(id)) };
  },
};

/** Arguments of an Integration resource: the record read from Flow. */
export interface IntegrationArgs {
  /** The integration and its connection status, as read by getIntegrations()/getIntegration(). */
  record: pulumi.Input<InventoryRecord>;
}

/** One Flow integration as Pulumi state: diffable, visible to policies during preview. */
export class Integration extends pulumi.dynamic.Resource {
  /** The Flow integration id. */
  declare readonly integrationId: pulumi.Output<number>;
  /** Every field Flow returned. */
  declare readonly integration: pulumi.Output<FlowIntegrationData>;
  /** The connection status, when read. */
  declare readonly connectionStatus: pulumi.Output<ConnectionStatus | undefined>;

  /**
   * Records an integration read from Flow; or, with `opts.id` and no args, reads an existing
   * integration by id from Flow (see Integration.get).
   */
  constructor(name: string, args: IntegrationArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    // Props must be a map of inputs (one per output property), not one Output of a map.
    const state = args ? pulumi.output(args.record).apply(toIntegrationState) : undefined;
    const props = {
      integrationId: state?.integrationId,
      integration: state?.integration,
      connectionStatus: state?.connectionStatus,
    };
    super(integrationProvider, name, props, opts, "flow", "Integration");
  }

  /** Reads an existing integration by Flow id (a string or number) into this stack. */
  static get(name: string, integrationId: pulumi.Input<string | number>, opts?: pulumi.CustomResourceOptions): Integration {
    return new Integration(name, undefined, { ...opts, id: pulumi.output(integrationId).apply(String) });
  }
}

/** The state type of Integration, for typed stack outputs. */
export type { IntegrationState };
