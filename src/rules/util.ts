import { bounded, boundedValue, MESSAGE_MAX, needsBounding } from "../api/display";
import type { Integration, UserRef } from "../api/types";
import type { Finding, FindingSubject, Outcome, Rule, RuleConfigSchema, StackOutcome } from "./types";

/** Where docs/rules.md is published; each rule links its own section. */
export const RULES_DOCS_URL = "https://github.com/pulumi-flow/pulumi-flow/blob/main/docs/rules.md";

const helpUris = new Map<string, string>();

/** The docs link of a rule (its heading anchor in docs/rules.md); one string per rule, however many findings carry it. */
export function ruleHelpUri(ruleId: string): string {
  let uri = helpUris.get(ruleId);
  if (uri === undefined) helpUris.set(ruleId, (uri = flat(`${RULES_DOCS_URL}#${ruleId}`)));
  return uri;
}

/**
 * The same text as one contiguous string. A template literal makes a chain of pieces (V8 "cons"
 * strings, ~32 bytes per piece) that lives as long as the string; reading a character joins the
 * pieces at once, so a message kept in a finding costs its length instead of 2–3 times it (at
 * 100,000 findings, ~30 MB of heap). The text is unchanged; on other engines this only reads a
 * character.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** The integration's name, or a placeholder when Flow sent none (or not a string). */
export function nameOf(i: Pick<Integration, "name">): string {
  return typeof i.name === "string" ? i.name : "(unnamed)";
}

/** The integration's vendor key, or "unknown vendor" when Flow sent none (or not a string). */
export function vendorOf(i: Pick<Integration, "vendor_type">): string {
  return typeof i.vendor_type === "string" ? i.vendor_type : "unknown vendor";
}

/** The integration's name as messages and reports show it: at most DISPLAY_MAX characters and "…" (the JSON report keeps it whole). */
export function displayName(i: Pick<Integration, "name">): string {
  return bounded(nameOf(i));
}

/** The vendor key as messages and reports show it (bounded like displayName). */
export function displayVendor(i: Pick<Integration, "vendor_type">): string {
  return bounded(vendorOf(i));
}

/** A value from Flow quoted in a message (a status, an auth type, a timestamp): bounded like displayName. */
export function shown(value: unknown): string {
  return bounded(String(value));
}

/** The vendor's display name for messages (`vendor_meta.title`, e.g. "BitBucket Cloud"), else its key; bounded like displayName. */
export function vendorTitle(i: Pick<Integration, "vendor_type" | "vendor_meta">): string {
  const title = i.vendor_meta?.title;
  return bounded(typeof title === "string" && title.trim() ? title : vendorOf(i));
}

/** "Integration 'GitHub Mobile' (id 102, github)", with the name and vendor bounded for display. */
export function label(i: Pick<Integration, "id" | "name" | "vendor_type">): string {
  return integrationPrefix(displayName(i), i.id, displayVendor(i));
}

/**
 * How a message names its integration, from the name and vendor as shown (already bounded): the
 * one wording, also for the HTML report, which stores messages without it and puts it back.
 */
export function integrationPrefix(name: string, id: number, vendor: string): string {
  return `Integration '${name}' (id ${id}, ${vendor})`;
}

/** Outcome helpers: rules return these, the evaluator attaches metadata. */
export const ok = (message: string, evidence?: Record<string, unknown>): Outcome => ({ status: "ok", message, evidence });
export const violation = (message: string, evidence?: Record<string, unknown>, remediation?: string): Outcome => ({
  status: "violation",
  message,
  evidence,
  remediation,
});
export const notApplicable = (message: string, evidence?: Record<string, unknown>): Outcome => ({
  status: "not-applicable",
  message,
  evidence,
});
export const error = (message: string, evidence?: Record<string, unknown>): Outcome => ({ status: "error", message, evidence });

/** Fills a rule's parameter defaults (the engine does this for pack config; direct callers do not). */
export function resolveRuleConfig<C>(rule: { defaults: C }, params: Partial<C> | Record<string, unknown> | undefined): C {
  const out = { ...rule.defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && k !== "enforcementLevel") out[k] = v;
  return out as C;
}

/** A rule's parameters as the evaluation passes them on: its defaults filled in, untyped. */
export function configOf(rule: Rule, params: Record<string, unknown> = {}): Record<string, unknown> {
  return resolveRuleConfig<Record<string, unknown>>(rule as { defaults: Record<string, unknown> }, params);
}

/** Builds a rule's config schema from parameter schemas and its defaults. */
export function schemaOf<C extends object>(defaults: C, properties: { [K in keyof C]: Record<string, unknown> & { description: string } }): RuleConfigSchema {
  const props: RuleConfigSchema["properties"] = {};
  for (const key of Object.keys(properties) as Array<keyof C & string>) {
    props[key] = { ...properties[key], default: defaults[key] };
  }
  return { type: "object", properties: props, additionalProperties: false };
}

/** Schema of a per-vendor map of string lists (vendor_type → values). */
export function vendorListsSchema(description: string): Record<string, unknown> & { description: string } {
  return { type: "object", additionalProperties: { type: "array", items: { type: "string" } }, description };
}

const subjects = new WeakMap<Integration, FindingSubject>();

/**
 * The `integration` of a finding: one object per integration record, shared by all its findings
 * (treat it as read-only). Its name and vendor are the display forms (bounded), so no finding
 * repeats a long name; the JSON report lists the full values once (`fullNames`).
 */
function subjectOf(integration: Integration): FindingSubject {
  let subject = subjects.get(integration);
  if (subject === undefined) subjects.set(integration, (subject = { id: integration.id, name: displayName(integration), vendor: displayVendor(integration) }));
  return subject;
}

/** Evidence with every string bounded for display (the same object when nothing in it is long). */
function boundedEvidence(evidence: Record<string, unknown> | undefined): Record<string, unknown> {
  if (evidence === undefined) return {};
  return needsBounding(evidence) ? (boundedValue(evidence) as Record<string, unknown>) : evidence;
}

/** Turns an outcome into a finding (metadata, subject, message naming the integration). */
export function toFinding(rule: Rule, outcome: Outcome | StackOutcome, integration: Integration | undefined, enforcement = rule.enforcement): Finding {
  const subject = (outcome as StackOutcome).subject;
  const who = integration ? label(integration) : subject ? capitalise(subject) : "The inventory";
  return {
    ruleId: rule.id,
    status: outcome.status,
    severity: rule.severity,
    enforcement,
    ...(integration ? { integration: subjectOf(integration) } : {}),
    ...(subject ? { subject } : {}),
    message: flat(bounded(`${who} ${outcome.message}`, MESSAGE_MAX)),
    remediation: flat(bounded(outcome.remediation ?? rule.remediation, MESSAGE_MAX)),
    helpUri: ruleHelpUri(rule.id),
    evidence: boundedEvidence(outcome.evidence),
    ...(outcome.dataProblems?.length ? { dataProblems: outcome.dataProblems } : {}),
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What is known about a user reference: active, deactivated, or unknown (with why). */
export function userState(ref: UserRef | undefined): { state: "active" | "inactive" | "unknown" | "none"; id?: number | string; why?: string } {
  if (ref === null || ref === undefined) return { state: "none" };
  if (typeof ref !== "object") return { state: "unknown", id: ref, why: `is given only as user id ${ref}` };
  const id = ref.id ?? ref.user_id ?? undefined;
  if (ref.is_active === true) return { state: "active", id };
  if (ref.is_active === false) return { state: "inactive", id };
  return { state: "unknown", id, why: `(user id ${id ?? "unknown"}) has no is_active field` };
}

/** Names of the source types enabled for an integration (from enabled_source_types or source_type_names). */
export function enabledSourceTypeNames(i: Integration): string[] | undefined {
  const types = enabledSourceTypes(i);
  if (types) return types.map((t) => t.name);
  const names = i.source_type_names;
  if (Array.isArray(names)) return names;
  if (typeof names === "string")
    return names
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return undefined;
}

/** The enabled source types as name (`source_type_name`) + status; entries given as bare names have no status. Undefined when not returned. */
export function enabledSourceTypes(i: Integration): Array<{ name: string; status: string | null }> | undefined {
  if (!Array.isArray(i.enabled_source_types)) return undefined;
  return i.enabled_source_types.map((t) => (typeof t === "string" ? { name: t, status: null } : { name: t.source_type_name, status: t.status ?? null }));
}

/** Source types the integration's vendor offers (the keys in vendor_meta.services[].name); undefined when not returned. */
export function offeredSourceTypes(i: Integration): string[] | undefined {
  const services = i.vendor_meta?.services;
  if (!Array.isArray(services)) return undefined;
  return [...new Set(services.map((s) => s.name))];
}

/** Case-insensitive membership, for status values Flow may send in any case ("active", "ACTIVE"). */
export function includesIgnoringCase(values: readonly string[], value: string): boolean {
  const v = value.toLowerCase();
  return values.some((x) => x.toLowerCase() === v);
}

/** The per-vendor value of a setting, falling back to the default one. */
export function perVendor<T>(vendor: string, byVendor: Record<string, T> | undefined, fallback: T): T {
  return byVendor && Object.prototype.hasOwnProperty.call(byVendor, vendor) ? byVendor[vendor] : fallback;
}

/** Items a message lists one by one (`list`); the rest are counted. */
export const LIST_MAX = 20;

/** "a, b, c" for the first LIST_MAX items, and " and 5 more" beyond them (items already made fit to show). */
export function firstOf(items: readonly string[]): string {
  const more = items.length > LIST_MAX ? ` and ${items.length - LIST_MAX} more` : "";
  return `${items.slice(0, LIST_MAX).join(", ")}${more}`;
}

/** "'a', 'b' and 'c'" (or "… or 'c'"); each item bounded like displayName, and beyond LIST_MAX items "'a', …, 't' and 5 more". */
export function list(items: readonly string[], conjunction: "and" | "or" = "and"): string {
  const q = items.slice(0, LIST_MAX).map((s) => `'${shown(s)}'`);
  if (items.length > LIST_MAX) return `${q.join(", ")} ${conjunction} ${items.length - LIST_MAX} more`;
  return q.length <= 1 ? q.join("") : `${q.slice(0, -1).join(", ")} ${conjunction} ${q[q.length - 1]}`;
}
