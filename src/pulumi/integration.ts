import * as pulumi from "@pulumi/pulumi";
import type { ConnectionStatus, Integration as FlowIntegrationData, InventoryRecord } from "../api/types";
import { getIntegrationOutput, programSettings, runError } from "./functions";
import { shortenFlowResponseDebugText } from "./debug-text";
import { flowProvider } from "./provider";
import * as integrationProvider from "./providers/integration";
import type { FlowConnectionArgs } from "./settings";
import { toIntegrationState, type IntegrationState } from "./state";

export { INTEGRATION_TYPE } from "./type";

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
   * integration by id from Flow (see Integration.get). Use the provider of `flowProvider()`
   * (readFlowIntegrations and readFlowIntegration do): the default one would be given the
   * whole stack config, a secret `flow:token` included.
   */
  constructor(name: string, args: IntegrationArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    if (opts?.import !== undefined) {
      throw runError(
        `Integration '${name}': the import option does not apply: a pulumi-flow integration is a read-only record of Flow, so there is nothing to import — ` +
          "declaring it (readFlowIntegration(name, { id }) or readFlowIntegrations) records it without touching Flow. Remove the import option.",
      );
    }
    // Props must be a map of inputs (one per output property), not one Output of a map.
    const state = args ? pulumi.output(args.record).apply(toIntegrationState) : undefined;
    const props = {
      integrationId: state?.integrationId,
      integration: state?.integration,
      connectionStatus: state?.connectionStatus,
    };
    shortenFlowResponseDebugText();
    super(integrationProvider, name, props, opts, "flow", "Integration");
  }

  /**
   * Records one existing integration by Flow id (a string or number), read by the program like
   * readFlowIntegrations' — so it works with every way of giving the token, and the CrossGuard
   * pack judges it. (The synchronous form of `readFlowIntegration`.)
   */
  static get(name: string, integrationId: pulumi.Input<string | number>, opts?: pulumi.CustomResourceOptions & FlowConnectionArgs): Integration {
    const { apiUrl, token, client, ...rest } = opts ?? {};
    const record = getIntegrationOutput({ id: pulumi.output(integrationId).apply(Number), apiUrl, token, client });
    return new Integration(name, { record }, { provider: flowProvider(programSettings({ apiUrl }).apiUrl), ...rest });
  }
}

/** The state type of Integration, for typed stack outputs. */
export type { IntegrationState };
