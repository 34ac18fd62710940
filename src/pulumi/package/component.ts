/**
 * The Integrations component as the component package constructs it (inside the plugin, for a
 * stack of any language): reads Flow like readFlowIntegrations and registers one
 * flow:index:Integration child per integration, or flow:index:IntegrationChunk children — custom
 * resources of the `flow` package, served by the same plugin (see provider.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { IntegrationQuery, InventoryRecord } from "../../api/types";
import { summarize, type InventorySummary, type SummaryOptions } from "../../inventory/summary";
import { checkChunks, toChunkStates } from "../chunk";
import { getIntegrations, programSettings, runError } from "../functions";
import type { FlowConnectionArgs } from "../settings";
import { toIntegrationState } from "../state";
import { PACKAGE_CHUNK_TYPE, PACKAGE_INTEGRATION_TYPE } from "../type";
import { INTEGRATIONS_COMPONENT } from "./schema";

/** The component's inputs, resolved (as the schema declares them). */
export interface IntegrationsInputs {
  apiUrl?: string;
  token?: string;
  filter?: Record<string, string>;
  connectionStatus?: boolean;
  chunks?: number;
  client?: FlowConnectionArgs["client"] & { maxAttempts?: number };
  summary?: Pick<SummaryOptions, "staleAfterDays" | "healthyStatuses">;
}

/** The client options of the inputs (maxAttempts sits in `retry` for the client). */
function clientOptions(client: IntegrationsInputs["client"]): FlowConnectionArgs["client"] {
  if (!client) return undefined;
  const { maxAttempts, ...rest } = client;
  return maxAttempts === undefined ? rest : { ...rest, retry: { ...rest.retry, maxAttempts } };
}

/** The checks of the inputs a user may get wrong, as one clear message each. */
function checkInputs(name: string, inputs: IntegrationsInputs): void {
  try {
    if (inputs.chunks !== undefined) checkChunks(inputs.chunks, `flow:index:Integrations '${name}': chunks`);
    for (const [k, v] of Object.entries(inputs.filter ?? {}))
      if (typeof v !== "string") throw new Error(`flow:index:Integrations '${name}': filter.${k} must be a string (got ${JSON.stringify(v)})`);
  } catch (e) {
    throw runError((e as Error).message);
  }
}

/** A child resource of the flow package (its provider is the plugin that constructs the component). */
class PackageRecord extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** The component: its outputs are the ids read, their count and the summary. */
export class IntegrationsComponent extends pulumi.ComponentResource {
  /** Ids of the integrations read. */
  readonly ids: number[];
  /** How many integrations were read. */
  readonly count: number;
  /** Counts and ids needing attention. */
  readonly summary: InventorySummary;

  private constructor(name: string, records: InventoryRecord[], inputs: IntegrationsInputs, opts?: pulumi.ComponentResourceOptions) {
    super(INTEGRATIONS_COMPONENT, name, {}, opts);
    this.ids = records.map((r) => r.integration.id);
    this.count = records.length;
    this.summary = summarize(records, inputs.summary);
    const apiUrl = programSettings(inputs).apiUrl;
    const extra = apiUrl ? { apiUrl } : {};
    if (inputs.chunks !== undefined) {
      for (const state of toChunkStates(records, inputs.chunks))
        new PackageRecord(PACKAGE_CHUNK_TYPE, `${name}-chunk-${state.chunk}-of-${inputs.chunks}`, { ...state, ...extra }, { parent: this });
    } else {
      for (const record of records)
        new PackageRecord(PACKAGE_INTEGRATION_TYPE, `${name}-${record.integration.id}`, { ...toIntegrationState(record), ...extra }, { parent: this });
    }
    this.registerOutputs({ ids: this.ids, count: this.count, summary: this.summary });
  }

  /** Reads Flow (list and connection statuses) and registers the children. */
  static async create(name: string, inputs: IntegrationsInputs, opts?: pulumi.ComponentResourceOptions): Promise<IntegrationsComponent> {
    checkInputs(name, inputs);
    const records = await getIntegrations({
      apiUrl: inputs.apiUrl,
      token: inputs.token,
      filter: inputs.filter as IntegrationQuery | undefined,
      connectionStatus: inputs.connectionStatus,
      client: clientOptions(inputs.client),
    });
    return new IntegrationsComponent(name, records, inputs, opts);
  }
}
