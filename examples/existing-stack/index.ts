// A stack that already manages its own resources (here: service catalog entries kept by a
// small local dynamic provider, so the example runs offline) and adds the Flow audit.
import * as pulumi from "@pulumi/pulumi";
import { readFlowIntegrations } from "pulumi-flow";

const catalogProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { service: string; owner: string }) {
    return { id: `svc-${inputs.service}`, outs: inputs };
  },
};

/** An entry in the platform's service catalog (stands in for any resource the stack already has). */
class ServiceEntry extends pulumi.dynamic.Resource {
  declare readonly service: pulumi.Output<string>;
  declare readonly owner: pulumi.Output<string>;
  constructor(name: string, args: { service: string; owner: string }) {
    super(catalogProvider, name, args, undefined, "platform", "ServiceEntry");
  }
}

export = async () => {
  const checkout = new ServiceEntry("checkout", { service: "checkout", owner: "team-payments" });
  const search = new ServiceEntry("search", { service: "search", owner: "team-discovery" });

  // The Flow audit: every integration as state, plus a summary for dashboards.
  const flow = await readFlowIntegrations("flow");

  return {
    services: [checkout.service, search.service],
    flowIntegrations: flow.summary.total,
    flowNeedsAttention: {
      disconnected: flow.summary.disconnected,
      webhooksOff: flow.summary.webhooksOff,
    },
  };
};
