/** A policy violation reported by the engine (one `policyEvent`). */
export interface PolicyViolationEvent {
  policy: string;
  pack: string;
  enforcement: string;
  severity?: string;
  /** URN of the resource, absent for stack-level violations. */
  urn?: string;
  /** The resource's name (last URN segment), e.g. "flow-102". */
  resource?: string;
  /** The violation text without the policy description line. */
  message: string;
}

/** What a streamed `pulumi preview --json` run reported. */
export interface PreviewEvents {
  violations: PolicyViolationEvent[];
  /** The stack's outputs, when the run got that far. */
  outputs?: Record<string, unknown>;
  /** `succeeded` / `failed`, from the summary event. */
  result?: string;
  /** Engine diagnostics at severity warning or error. */
  diagnostics: Array<{ severity: string; message: string; urn?: string }>;
}

/**
 * Parses the JSON-lines engine events of `pulumi preview --json` run with
 * PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1, or of `pulumi up --json` (the structured way to read
 * policy results); a violation reported twice (preview and update) is listed once.
 */
/** The parts of the engine's JSON events this parser reads. */
interface EngineEvent {
  policyEvent?: { policyPackName: string; policyName: string; resourceUrn?: string; message: string; enforcementLevel: string; severity?: string };
  resOutputsEvent?: { metadata?: { type?: string; new?: { outputs?: Record<string, unknown> } } };
  summaryEvent?: { result?: string };
  diagnosticEvent?: { severity?: string; message: string; urn?: string };
}

export function parsePreviewEvents(text: string): PreviewEvents {
  const out: PreviewEvents = { violations: [], diagnostics: [] };
  const seen = new Set<string>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let e: EngineEvent;
    try {
      e = JSON.parse(line) as EngineEvent;
    } catch {
      continue;
    }
    if (e.policyEvent) {
      const p = e.policyEvent;
      // `pulumi up` reports each violation in its preview and again in its update.
      const key = `${p.policyPackName}\u0000${p.policyName}\u0000${p.resourceUrn ?? ""}\u0000${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const lines = String(p.message).replace(/\n+$/, "").split("\n");
      out.violations.push({
        policy: p.policyName,
        pack: p.policyPackName,
        enforcement: p.enforcementLevel,
        ...(p.severity ? { severity: p.severity } : {}),
        ...(p.resourceUrn ? { urn: p.resourceUrn, resource: p.resourceUrn.split("::").pop() } : {}),
        message: (lines.length > 1 ? lines.slice(1) : lines).join("\n"),
      });
    } else if (e.resOutputsEvent?.metadata?.type === "pulumi:pulumi:Stack") {
      const outputs = e.resOutputsEvent.metadata.new?.outputs;
      if (outputs && Object.keys(outputs).length) out.outputs = outputs;
    } else if (e.summaryEvent) {
      out.result = e.summaryEvent.result;
    } else if (e.diagnosticEvent && (e.diagnosticEvent.severity === "error" || e.diagnosticEvent.severity === "warning")) {
      const d = e.diagnosticEvent;
      out.diagnostics.push({ severity: d.severity!, message: d.message, ...(d.urn ? { urn: d.urn } : {}) });
    }
  }
  return out;
}
