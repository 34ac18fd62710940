/** Exceptions from the policy file: which findings they cover, and whether they still apply. */
import type { AppliedException, Finding, PolicyException } from "./types";

const DAY = 86_400_000;

/** Whether an exception covers a finding (same rule, and every selector it has matches). */
export function exceptionMatches(x: PolicyException, f: Pick<Finding, "ruleId" | "integration" | "evidence">): boolean {
  if (x.rule !== f.ruleId) return false;
  const vendor = f.integration?.vendor ?? (typeof f.evidence.vendor === "string" ? f.evidence.vendor : undefined);
  if (x.integrations && !(f.integration && x.integrations.includes(f.integration.id))) return false;
  if (x.vendor && x.vendor !== vendor) return false;
  if (x.name && !(f.integration && globMatch(x.name, f.integration.name))) return false;
  return true;
}

/**
 * `*` matches any run of characters; case-insensitive; the whole name must match. Matched
 * without regular expressions: the literal parts are found left to right (the first anchored
 * at the start, the last at the end), so the time is linear in the name whatever the pattern.
 */
export function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.toLowerCase().split("*");
  const text = value.toLowerCase();
  if (parts.length === 1) return parts[0] === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const part of parts.slice(1, -1)) {
    if (!part) continue;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** An exception's state at `now`: active through the whole expiry day (UTC), expired after it. */
export function exceptionState(x: PolicyException, now: Date): AppliedException["state"] {
  return now.getTime() < Date.parse(`${x.expires}T00:00:00Z`) + DAY ? "active" : "expired";
}

/** Per rule: the exceptions naming integration ids, by id, and the others, each with its position in the list. */
type ExceptionIndex = Map<string, { byId: Map<number, number[]>; others: number[] }>;
const indexes = new WeakMap<readonly PolicyException[], { length: number; index: ExceptionIndex }>();

function indexOf(exceptions: readonly PolicyException[]): ExceptionIndex {
  const cached = indexes.get(exceptions);
  if (cached?.length === exceptions.length) return cached.index;
  const index: ExceptionIndex = new Map();
  exceptions.forEach((x, i) => {
    let r = index.get(x.rule);
    if (!r) index.set(x.rule, (r = { byId: new Map(), others: [] }));
    if (!x.integrations) r.others.push(i);
    else
      for (const id of new Set(x.integrations)) {
        const list = r.byId.get(id);
        if (list) list.push(i);
        else r.byId.set(id, [i]);
      }
  });
  indexes.set(exceptions, { length: exceptions.length, index });
  return index;
}

/**
 * The exceptions that may cover a finding, in policy-file order: those of its rule naming its
 * integration, and those selecting by vendor or name only. Looked up, not scanned: a policy file
 * of thousands of exceptions costs each finding only the few that can match.
 */
function candidates(exceptions: readonly PolicyException[], f: Pick<Finding, "ruleId" | "integration">): PolicyException[] {
  const r = indexOf(exceptions).get(f.ruleId);
  if (!r) return [];
  const ids = f.integration ? (r.byId.get(f.integration.id) ?? []) : [];
  return (ids.length ? [...ids, ...r.others].sort((a, b) => a - b) : r.others).map((i) => exceptions[i]);
}

/** Attaches the matching exception to a failing finding: an active one wins over expired ones. */
export function applyExceptions(f: Finding, exceptions: readonly PolicyException[], now: Date): Finding {
  if (f.status !== "violation" && f.status !== "error") return f;
  const matching = candidates(exceptions, f)
    .filter((x) => exceptionMatches(x, f))
    .map((x) => ({ x, state: exceptionState(x, now) }));
  const chosen = matching.find((m) => m.state === "active") ?? matching.sort((a, b) => b.x.expires.localeCompare(a.x.expires))[0];
  if (!chosen) return f;
  const { reason, expires, owner, ticket } = chosen.x;
  return { ...f, exception: { state: chosen.state, reason, expires, ...(owner ? { owner } : {}), ...(ticket ? { ticket } : {}) } };
}
