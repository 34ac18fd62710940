import { connectionHealth, DEFAULT_HEALTHY_STATUSES } from "../inventory/health";
import type { IntegrationRule } from "./types";
import { error, list, ok, schemaOf, shown, violation } from "./util";

/** Parameters of flow-integration-connected. */
export interface ConnectedConfig {
  /** connection_status `status` values (case-insensitive) that count as healthy. */
  healthyStatuses: string[];
}

const defaults: ConnectedConfig = { healthyStatuses: [...DEFAULT_HEALTHY_STATUSES] };

/** A disconnected integration silently stops feeding Flow. */
export const connected: IntegrationRule<ConnectedConfig> = {
  scope: "integration",
  id: "flow-integration-connected",
  title: "Connected",
  description: "Checks that each integration's connection status is healthy.",
  severity: "critical",
  enforcement: "mandatory",
  defaults,
  configSchema: schemaOf(defaults, {
    healthyStatuses: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      description: "Connection status values (case-insensitive) that count as healthy.",
    },
  }),
  remediation: "In Flow, open Settings > Integrations and reconnect the integration (re-authorise or update its credentials).",
  reads: ["connection_status.status", "connection_status.connected", "connection_status.message"],
  evaluate({ integration, connectionStatus: s }, config) {
    if (!s) return error("has no connection status (it was not read), so the rule cannot decide; read the inventory with connection status.", {});
    const evidence = {
      "connection_status.status": s.status ?? null,
      "connection_status.connected": s.connected ?? null,
      ...(s.message ? { "connection_status.message": s.message } : {}),
    };
    const health = connectionHealth(s, config.healthyStatuses);
    if (health === "unknown") return error("returned a connection status with neither `status` nor `connected`, so the rule cannot decide.", evidence);
    if (health === "conflicting") {
      const said = s.connected
        ? `status '${shown(s.status)}' is not healthy (healthy is ${list(config.healthyStatuses)}) but connected is true`
        : `status '${shown(s.status)}' counts as healthy but connected is false`;
      return {
        ...error(
          `returned a connection status that contradicts itself: ${said}${s.message ? ` (message: ${shown(s.message)})` : ""}; the body is not documented by Flow, so the rule cannot decide. Check the integration in Flow.`,
          evidence,
        ),
        dataProblems: [
          {
            integrationId: integration.id,
            document: "connection_status",
            path: "$.connected",
            field: "connection_status.connected",
            expected: `${String(!s.connected)}, as status '${shown(s.status)}' says`,
            got: `a boolean (${String(s.connected)})`,
          },
        ],
      };
    }
    const status = typeof s.status === "string" ? ` (status '${shown(s.status)}')` : "";
    if (health === "healthy") return ok(`is connected${status}.`, evidence);
    if (typeof s.status === "string")
      return violation(
        `is not connected: status '${shown(s.status)}'${s.message ? ` (${shown(s.message)})` : ""}; healthy is ${list(config.healthyStatuses)}.`,
        evidence,
      );
    return violation(`is not connected${s.message ? ` (${shown(s.message)})` : ""}.`, evidence);
  },
};
