// The pulumi-flow audit stack: reads every Flow integration into Pulumi state and outputs.
// Settings: stack config flow:apiUrl / flow:token (secret), else FLOW_API_URL / FLOW_API_TOKEN;
// flow:chunks (optional) for large tenants; flow:listIntegrations true adds the `integrations` output.
import * as pulumi from "@pulumi/pulumi";
import { readFlowIntegrations } from "pulumi-flow";

export = async () => {
  const config = new pulumi.Config("flow");
  const flow = await readFlowIntegrations("flow", {
    filter: config.getObject("filter"),
    summary: { staleAfterDays: config.getNumber("staleAfterDays") ?? 7 },
    // flow:chunks records the inventory in that many resources (large tenants; docs/stack.md).
    chunks: config.getNumber("chunks"),
  });
  // The per-integration list is opt-in (flow:listIntegrations true): at 10,000 integrations it is
  // 70,000 values that the program, engine and pack each hold, and `pulumi preview --diff` prints
  // the whole list whenever one integration changes (docs/stack.md, "Outputs").
  if (config.getBoolean("listIntegrations") !== true) return { summary: flow.summary };
  return {
    summary: flow.summary,
    integrations: flow.records.map(({ integration: i, connectionStatus: s }) => ({
      id: i.id,
      name: i.name,
      vendor: i.vendor_type,
      authType: i.auth_type ?? null,
      webhooksEnabled: i.webhooks_enabled ?? null,
      connection: s?.status ?? null,
      lastSynced: i.source_projects_last_updated ?? null,
    })),
  };
};
