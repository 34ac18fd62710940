// The pulumi-flow audit stack: reads every Flow integration into Pulumi state and outputs.
// Settings: stack config flow:apiUrl / flow:token (secret), else FLOW_API_URL / FLOW_API_TOKEN;
// flow:chunks (optional) and flow:listIntegrations (default true) for large tenants.
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
  // flow:listIntegrations false leaves out the per-integration list: at 10,000 integrations it
  // is 70,000 values that the program, engine and pack each hold (docs/stack.md, "Granularity").
  if (config.getBoolean("listIntegrations") === false) return { summary: flow.summary };
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
