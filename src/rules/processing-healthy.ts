import type { IntegrationRule } from "./types";
import { includesIgnoringCase, list, notApplicable, ok, schemaOf, shown, violation } from "./util";

/** Parameters of flow-integration-processing-healthy. */
export interface ProcessingHealthyConfig {
  /** processing_status values (case-insensitive) that count as failures. */
  failureStatuses: string[];
}

const defaults: ProcessingHealthyConfig = { failureStatuses: ["FAILED", "ERROR"] };

/** A failed processing run means Flow stopped importing data for the integration. */
export const processingHealthy: IntegrationRule<ProcessingHealthyConfig> = {
  scope: "integration",
  id: "flow-integration-processing-healthy",
  title: "Processing healthy",
  description: "Checks that an integration's processing_status is not a failure state.",
  severity: "medium",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    failureStatuses: { type: "array", items: { type: "string" }, description: "processing_status values (case-insensitive) that count as failures." },
  }),
  remediation:
    "In Flow, open the integration, check the processing errors it reports and re-run processing once the cause (credentials, permissions) is fixed.",
  reads: ["processing_status"],
  evaluate({ integration: i }, config) {
    const status = i.processing_status;
    const evidence = { processing_status: status ?? null, failureStatuses: config.failureStatuses };
    if (typeof status !== "string" || status === "") return notApplicable("did not report a processing_status.", evidence);
    if (!includesIgnoringCase(config.failureStatuses, status)) return ok(`has processing status '${shown(status)}'.`, evidence);
    return violation(`has processing status '${shown(status)}', a failure state (failure states: ${list(config.failureStatuses)}).`, evidence);
  },
};
