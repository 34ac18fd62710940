import * as pulumi from "@pulumi/pulumi";
import type { InventoryRecord } from "../api/types";
import { getIntegration, getIntegrations, programSettings, runError, type GetIntegrationArgs, type GetIntegrationsArgs } from "./functions";
import { checkChunks, toChunkStates } from "./chunk";
import { IntegrationChunk } from "./chunk-resource";
import { Integration } from "./integration";
import { secretPersonalData } from "./personal";
import { flowProvider } from "./provider";
import { summarize, type InventorySummary, type SummaryOptions } from "../inventory/summary";

/** Arguments of readFlowIntegrations. */
export interface FlowIntegrationsArgs extends GetIntegrationsArgs {
  /** Options of the summary output. */
  summary?: SummaryOptions | undefined;
  /**
   * Record the inventory in this many resources instead of one per integration (1 to 1000):
   * each holds the integrations whose id % chunks is its number, keyed by id. For tenants of
   * thousands of integrations, where the engine's cost per resource dominates (docs/stack.md,
   * "Granularity"); about one chunk per 250 integrations. Changing it replaces the chunks.
   */
  chunks?: number | undefined;
  /**
   * Record the user objects each integration embeds (`created_by`, `updated_by`: names, emails)
   * as Pulumi secrets: encrypted in state, `[secret]` in `pulumi preview --diff` (default: stack
   * config `flow:secretPersonalData`, else true). The pack reads them as plain values either way.
   */
  secretPersonalData?: boolean | undefined;
}

/** All integrations matching a filter, as one component with an Integration child each. */
export class FlowIntegrations extends pulumi.ComponentResource {
  /** The Integration resources, by Flow id (empty when the inventory is recorded in chunks). */
  readonly resources: Record<number, Integration>;
  /** The chunk resources, when `chunks` is set (else empty). */
  readonly chunkResources: IntegrationChunk[];
  /** The records read from Flow. */
  readonly records: InventoryRecord[];
  /** Counts and ids needing attention. */
  readonly summary: InventorySummary;
  /** Ids of the integrations read. */
  readonly ids: number[];
  /**
   * `summary` as an Output that depends on this component (so on every Flow resource under it):
   * for inputs of other resources and for composing with other Outputs. Known during preview.
   */
  readonly summaryOutput: pulumi.Output<InventorySummary>;
  /** `ids` as an Output that depends on this component, like summaryOutput. */
  readonly idsOutput: pulumi.Output<number[]>;

  private constructor(name: string, records: InventoryRecord[], args: FlowIntegrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flow:index:Integrations", name, {}, opts);
    this.records = records;
    this.ids = records.map((r) => r.integration.id);
    this.summary = summarize(records, args.summary);
    this.resources = {};
    this.chunkResources = [];
    const provider = flowProvider(programSettings(args).apiUrl);
    const secret = secretPersonalData(args.secretPersonalData, `readFlowIntegrations('${name}')`);
    if (args.chunks !== undefined) {
      const chunks = checkChunks(args.chunks, `readFlowIntegrations('${name}'): chunks`);
      // Named by bucket and count: an integration stays in its chunk while `chunks` is unchanged.
      for (const state of toChunkStates(records, chunks))
        this.chunkResources.push(
          new IntegrationChunk(`${name}-chunk-${state.chunk}-of-${chunks}`, { state, secretPersonalData: secret }, { parent: this, provider }),
        );
    } else {
      for (const record of records) {
        // Named by id so a rename in Flow is an update, not a replace.
        this.resources[record.integration.id] = new Integration(
          `${name}-${record.integration.id}`,
          { record, secretPersonalData: secret },
          { parent: this, provider },
        );
      }
    }
    // The component's URN is known in preview too; a resource that takes these depends on the component, so on its children.
    this.summaryOutput = this.urn.apply(() => this.summary);
    this.idsOutput = this.urn.apply(() => this.ids);
    this.registerOutputs({ ids: this.ids, summary: this.summary });
  }

  /** Reads Flow once (list + connection status) and registers one Integration per record. */
  static async create(name: string, args: FlowIntegrationsArgs = {}, opts?: pulumi.ComponentResourceOptions): Promise<FlowIntegrations> {
    // A bad setting fails before Flow is read, as one clear message.
    if (args.chunks !== undefined) {
      try {
        checkChunks(args.chunks, `readFlowIntegrations('${name}'): chunks`);
      } catch (e) {
        throw runError((e as Error).message);
      }
    }
    const records = await getIntegrations(args);
    return new FlowIntegrations(name, records, args, opts);
  }
}

/** Reads all Flow integrations matching `args.filter` into the stack (see FlowIntegrations). */
export function readFlowIntegrations(name: string, args: FlowIntegrationsArgs = {}, opts?: pulumi.ComponentResourceOptions): Promise<FlowIntegrations> {
  return FlowIntegrations.create(name, args, opts);
}

/**
 * Reads one Flow integration by id into the stack as an Integration resource — judged by the
 * CrossGuard pack like those of readFlowIntegrations (unlike `Integration.get`, a read-only
 * reference the stack does not manage). This is how to adopt a single integration: there is
 * nothing to import, since recording an integration never touches Flow. `Integration.fromFlow`
 * is its synchronous form.
 */
export async function readFlowIntegration(name: string, args: GetIntegrationArgs, opts?: pulumi.CustomResourceOptions): Promise<Integration> {
  const record = await getIntegration(args);
  return new Integration(name, { record }, { provider: flowProvider(programSettings(args).apiUrl), ...opts });
}
