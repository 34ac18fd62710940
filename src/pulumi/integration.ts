import * as pulumi from "@pulumi/pulumi";
import type { ConnectionStatus, Integration as FlowIntegrationData, InventoryRecord } from "../api/types";
import { getIntegrationOutput, programSettings, runError } from "./functions";
import { shortenFlowResponseDebugText } from "./debug-text";
import { secretPersonalData, withSecretUsers } from "./personal";
import { flowProvider } from "./provider";
import * as integrationProvider from "./providers/integration";
import type { FlowConnectionArgs } from "./settings";
import { toIntegrationState, type IntegrationState } from "./state";

export { INTEGRATION_TYPE } from "./type";

/** Arguments of an Integration resource: the record read from Flow. */
export interface IntegrationArgs {
  /** The integration and its connection status, as read by getIntegrations()/getIntegration(). */
  record: pulumi.Input<InventoryRecord>;
  /**
   * Record the user objects the integration embeds (`created_by`, `updated_by`: names, emails) as
   * Pulumi secrets — encrypted in state, `[secret]` in diffs (default: stack config
   * `flow:secretPersonalData`, else true). Policies read them as plain values either way.
   */
  secretPersonalData?: boolean | undefined;
}

/**
 * Refuses the `import` resource option on a Flow resource with one message saying what to use
 * instead (without it the engine would fail inside the SDK's dynamic provider, with its stack
 * trace: a dynamic resource cannot be imported, pulumi/pulumi#3550).
 */
export function refuseImport(kind: "Integration" | "IntegrationChunk", name: string, opts: pulumi.CustomResourceOptions | undefined): void {
  if (opts?.import === undefined) return;
  throw runError(
    `${kind} '${name}': the import option does not apply: a pulumi-flow ${kind === "Integration" ? "integration" : "chunk"} is a read-only record of Flow, so there is nothing to import — ` +
      "declaring it (readFlowIntegration(name, { id }), or readFlowIntegrations for many) records it without touching Flow, and Integration.get(name, id) looks one up without managing it. " +
      "Remove the import option.",
  );
}

/** An integration id as `Integration.get` takes it: a positive integer, or its decimal text; undefined when it is neither. */
function integrationId(id: unknown): number | undefined {
  const n = typeof id === "string" && /^\d{1,16}$/.test(id.trim()) ? Number(id) : id;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** One Flow integration as Pulumi state: diffable, visible to policies during preview. */
export class Integration extends pulumi.dynamic.Resource {
  /** The Flow integration id. */
  declare readonly integrationId: pulumi.Output<number>;
  /** Every field Flow returned. */
  declare readonly integration: pulumi.Output<FlowIntegrationData>;
  /** The connection status, when read. */
  declare readonly connectionStatus: pulumi.Output<ConnectionStatus | undefined>;
  /** `secret` when the user objects are recorded as Pulumi secrets (secretPersonalData), else `plain`. */
  declare readonly personalData: pulumi.Output<"secret" | "plain" | undefined>;

  /**
   * Records an integration read from Flow; or, with `opts.id` (see Integration.get), looks one
   * up by id through the provider. Use the provider of `flowProvider()` (readFlowIntegrations,
   * readFlowIntegration, Integration.fromFlow and Integration.get do): the default one would be
   * given the whole stack config, a secret `flow:token` included.
   */
  constructor(name: string, args: IntegrationArgs | undefined, opts?: pulumi.CustomResourceOptions) {
    refuseImport("Integration", name, opts);
    // Props must be a map of inputs (one per output property), not one Output of a map.
    const state = args ? pulumi.output(args.record).apply(toIntegrationState) : undefined;
    const secret = args ? secretPersonalData(args.secretPersonalData, `Integration '${name}'`) : false;
    const props = {
      integrationId: state?.integrationId,
      // The users alone are secrets, not the whole record (the SDK marks an Output secret when the
      // value it resolves to holds one; the record itself is Flow's data, never secret material).
      integration: secret ? state && pulumi.unsecret(state.apply((s) => withSecretUsers(s.integration))) : state?.integration,
      // How personal data is recorded: a change of the setting (and the first run after 0.2.0) updates
      // the resource, so state recorded before takes the new form (the engine re-marks an
      // unchanged resource's outputs as secret only at the top level).
      personalData: args ? (secret ? "secret" : "plain") : undefined,
      connectionStatus: state?.connectionStatus,
    };
    shortenFlowResponseDebugText();
    super(integrationProvider, name, props, opts, "flow", "Integration");
  }

  /**
   * Pulumi's `get`: looks up integration `id` by id — a read-only reference, not a resource this
   * stack manages (`pulumi destroy` leaves it; the CrossGuard pack does not judge it, as the
   * engine runs resource policies on managed resources only). The engine calls the provider's
   * read, which reads the integration and its connection status from Flow like a refresh does,
   * so the provider's settings apply: the API URL of `opts.provider` (default: `flowProvider()`
   * of the stack's `flow:apiUrl` / FLOW_API_URL) and the token from FLOW_API_TOKEN in the
   * environment of `pulumi` (never stack config: the provider is not given it). An id Flow does
   * not have fails the run, naming it.
   *
   * @param state Pulumi's signature for `get`; an integration is looked up by its id alone, so
   *   there is nothing to give (`undefined` or `{}`).
   */
  static get(name: string, id: pulumi.Input<pulumi.ID | number>, state?: Record<string, never>, opts?: pulumi.CustomResourceOptions): Integration {
    void state;
    if (!pulumi.Output.isInstance(id) && !(id instanceof Promise) && integrationId(id) === undefined) {
      throw runError(`Integration.get('${name}'): the id must be a Flow integration id (a positive integer), got ${JSON.stringify(id)}`);
    }
    const lookup = pulumi.output(id).apply((value) => {
      const n = integrationId(value);
      if (n === undefined)
        throw runError(`Integration.get('${name}'): the id must be a Flow integration id (a positive integer), got ${JSON.stringify(value)}`);
      return String(n);
    });
    return new Integration(name, undefined, { provider: flowProvider(programSettings({}).apiUrl), ...opts, id: lookup });
  }

  /**
   * Reads integration `integrationId` (and its connection status) from Flow in the program and
   * records it as a resource of this stack, judged by the CrossGuard pack — the synchronous form
   * of `readFlowIntegration` (the record is an Output). Works with every way of giving the token
   * (arguments, secret stack config, FLOW_API_TOKEN). (`Integration.get` in 0.2.0.)
   */
  static fromFlow(name: string, integrationId: pulumi.Input<string | number>, opts?: pulumi.CustomResourceOptions & FlowConnectionArgs): Integration {
    const { apiUrl, token, client, ...rest } = opts ?? {};
    const record = getIntegrationOutput({ id: pulumi.output(integrationId).apply(Number), apiUrl, token, client });
    return new Integration(name, { record }, { provider: flowProvider(programSettings({ apiUrl }).apiUrl), ...rest });
  }
}

/** The state type of Integration, for typed stack outputs. */
export type { IntegrationState };
