import { describe, expect, it } from "vitest";
import { evaluateInventory, isFailing, isOpen, judge } from "../../../src/rules/evaluate";
import { baselineScope, compareBaseline, fingerprintOf, rewriteBaseline, type Baseline, type BaselineEntry } from "../../../src/rules/baseline";
import { defaultPolicy } from "../../../src/rules/evaluate";
import { rules } from "../../../src/rules/index";
import { connected as connectedRule } from "../../../src/rules/connected";
import { ownerActive as ownerActiveRule } from "../../../src/rules/owner-active";
import { recentlySynced as recentlySyncedRule } from "../../../src/rules/recently-synced";
import type { Finding, FlowPolicy } from "../../../src/rules/types";
import type { InventoryRecord } from "../../../src/api/types";
import { another, healthy, NOW } from "./fixtures";

const WEBHOOKS = "flow-integration-webhooks-enabled";
const CONNECTED = "flow-integration-connected";
const LATER = new Date("2026-09-30T12:00:00Z");

/** Three integrations: 1 and 2 with webhooks off, 3 disconnected. */
function tenant(): InventoryRecord[] {
  return [
    another(1, { webhooks_enabled: false }),
    another(2, { webhooks_enabled: false }),
    { ...another(3), connectionStatus: { status: "disconnected", connected: false, message: "token revoked" } },
  ];
}

const open = (findings: Finding[]) =>
  findings
    .filter((f) => f.status === "violation")
    .map((f) => `${f.ruleId} ${f.integration?.id} ${f.baseline?.state ?? "-"}`)
    .sort();

function baselineOf(records: InventoryRecord[], expires = "2026-07-31"): Baseline {
  const findings = evaluateInventory(records, { now: NOW });
  return rewriteBaseline({ file: "flow-baseline.json", findings, evaluated: () => true, grow: false, expires, now: NOW }).baseline;
}

const withBaseline = (baseline: Baseline): FlowPolicy => ({ ...defaultPolicy(), baseline });

describe("baselines (src/rules/baseline.ts)", () => {
  it("records every open violation: rule, integration and a fingerprint, no names or personal data", () => {
    const b = baselineOf(tenant());
    expect(b.entries.map((e) => `${e.rule} ${e.integration}`)).toEqual([`${CONNECTED} 3`, `${WEBHOOKS} 1`, `${WEBHOOKS} 2`]);
    for (const e of b.entries) expect(Object.keys(e).sort()).toEqual(["fingerprint", "integration", "rule"]);
    expect(b.entries[0].fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(b.expires).toBe("2026-07-31");
  });

  it("fingerprints only when asked or when a baseline is in force (the pack asks only with one)", () => {
    const rule = rules.find((r) => r.id === WEBHOOKS)!;
    const settings = defaultPolicy().rules[WEBHOOKS];
    const judged = (fingerprints: boolean | undefined, baseline?: Baseline) =>
      judge(rule, tenant(), settings, { now: NOW, exceptions: [], baseline, fingerprints }).filter((f) => f.status === "violation");
    expect(judged(undefined).map((f) => f.fingerprint)).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}$/)]);
    expect(judged(false).map((f) => f.fingerprint)).toEqual([undefined, undefined]);
    const b = baselineOf(tenant());
    expect(judged(false, b).map((f) => [f.fingerprint, f.baseline?.state])).toEqual([
      [b.entries[1].fingerprint, "active"],
      [b.entries[2].fingerprint, "active"],
    ]);
  });

  it("tolerates exactly the baselined findings: they are not open and do not fail; a new one fails", () => {
    const policy = withBaseline(baselineOf(tenant()));
    const records = [...tenant(), another(4, { webhooks_enabled: false })];
    const findings = evaluateInventory(records, { now: NOW, policy });
    expect(open(findings)).toEqual([`${CONNECTED} 3 active`, `${WEBHOOKS} 1 active`, `${WEBHOOKS} 2 active`, `${WEBHOOKS} 4 -`]);
    expect(findings.filter((f) => isFailing(f)).map((f) => f.integration?.id)).toEqual([4]);
    expect(findings.filter((f) => f.baseline?.state === "active").every((f) => !isOpen(f))).toBe(true);
  });

  it("fails a baselined finding whose deciding evidence changed (another status message), and every finding once it expired", () => {
    const policy = withBaseline(baselineOf(tenant()));
    const changed = tenant();
    changed[2] = { ...changed[2], connectionStatus: { status: "error", connected: false, message: "rate limited" } };
    const findings = evaluateInventory(changed, { now: NOW, policy });
    expect(open(findings)).toContain(`${CONNECTED} 3 changed`);
    expect(findings.filter((f) => isFailing(f)).map((f) => f.integration?.id)).toEqual([3]);
    // The last day still applies; the day after, nothing does.
    expect(evaluateInventory(tenant(), { now: new Date("2026-07-31T23:59:59Z"), policy }).filter((f) => isFailing(f))).toEqual([]);
    const after = evaluateInventory(tenant(), { now: new Date("2026-08-01T00:00:00Z"), policy });
    // (Two months on, the fixtures' last sync is stale too: those findings are new, not baselined.)
    expect(open(after).filter((f) => !f.endsWith(" -"))).toEqual([`${CONNECTED} 3 expired`, `${WEBHOOKS} 1 expired`, `${WEBHOOKS} 2 expired`]);
    expect(after.filter((f) => f.baseline && isFailing(f))).toHaveLength(3);
  });

  it("fingerprints what the rule reads, not configuration, the clock, other fields or masked personal data", () => {
    const f = { status: "violation" as const, evidence: {} };
    const base = another(5);
    const fp = (r: InventoryRecord, rule: Parameters<typeof fingerprintOf>[0] = connectedRule) => fingerprintOf(rule, f, r);
    // A field the rule does not read (the name) changes nothing; one it reads does.
    expect(fp({ ...base, integration: { ...base.integration, name: "renamed" } })).toBe(fp(base));
    expect(fp({ ...base, connectionStatus: { status: "disconnected", connected: false } })).not.toBe(fp(base));
    // recently-synced reads the sync time, not the age derived from the clock: same fingerprint whatever `now`.
    const stale = another(6, { source_projects_last_updated: "2026-01-01T00:00:00" });
    const at = (now: Date) => evaluateInventory([stale], { now, rules: [recentlySyncedRule] }).find((x) => x.status === "violation")!.fingerprint;
    expect(at(NOW)).toBe(at(LATER));
    // Personal data is masked before hashing: showing it or not gives the same fingerprint.
    const owner = (email: string, name: string) =>
      another(7, { created_by: { id: 9, email, name, is_active: false } as never, updated_by: { id: 9, email, name, is_active: false } as never });
    expect(fp(owner("sam.former@example.com", "Sam Former"), ownerActiveRule)).toBe(fp(owner("s***@example.com", null as never), ownerActiveRule));
  });

  it("ratchet: a rewrite keeps what is still violated, drops what is fixed, and adds new findings only with grow", () => {
    const earlier = baselineOf(tenant());
    const now = tenant();
    now[0] = another(1); // fixed
    now.push(another(4, { webhooks_enabled: false })); // new
    const findings = evaluateInventory(now, { now: NOW, policy: withBaseline(earlier) });
    const shrink = rewriteBaseline({ file: "b.json", earlier, findings, evaluated: () => true, grow: false, now: NOW });
    expect(shrink.baseline.entries.map((e) => `${e.rule} ${e.integration}`)).toEqual([`${CONNECTED} 3`, `${WEBHOOKS} 2`]);
    expect([shrink.kept, shrink.dropped, shrink.added, shrink.notAdded]).toEqual([2, 1, 0, 1]);
    expect(shrink.baseline.expires).toBe(earlier.expires);
    const grow = rewriteBaseline({ file: "b.json", earlier, findings, evaluated: () => true, grow: true, expires: "2026-12-31", now: NOW });
    expect(grow.baseline.entries.map((e) => `${e.rule} ${e.integration}`)).toEqual([`${CONNECTED} 3`, `${WEBHOOKS} 2`, `${WEBHOOKS} 4`]);
    expect([grow.kept, grow.dropped, grow.added, grow.notAdded]).toEqual([2, 1, 1, 0]);
    expect(grow.baseline.expires).toBe("2026-12-31");
  });

  it("a rewrite keeps entries the run did not evaluate (filters, disabled rules, data errors) and does not call them resolved", () => {
    const earlier = baselineOf(tenant());
    const onlyOne = [tenant()[0]];
    const findings = evaluateInventory(onlyOne, { now: NOW, policy: withBaseline(earlier) });
    const scope = baselineScope({ enabledRules: new Set(rules.map((r) => r.id)), findings, integrations: new Set([1]), subjects: false });
    const next = rewriteBaseline({ file: "b.json", earlier, findings, evaluated: scope, grow: false, now: NOW });
    expect(next.baseline.entries).toEqual(earlier.entries);
    const compared = compareBaseline(earlier, findings, scope);
    expect([compared.resolved.length, compared.notEvaluated, compared.tolerated]).toEqual([0, 2, 1]);
    // A rule that could not judge (error) is not evaluated either.
    const error: Finding = { ...findings[0], ruleId: WEBHOOKS, status: "error", integration: { id: 2, name: "x", vendor: "github" } };
    const entry: BaselineEntry = { rule: WEBHOOKS, integration: 2, fingerprint: "0".repeat(16) };
    expect(baselineScope({ enabledRules: new Set([WEBHOOKS]), findings: [error], subjects: true })(entry)).toBe(false);
    expect(baselineScope({ enabledRules: new Set([WEBHOOKS]), findings: [], subjects: true })(entry)).toBe(true);
    expect(baselineScope({ enabledRules: new Set([CONNECTED]), findings: [], subjects: true })(entry)).toBe(false);
  });

  it("an active exception wins over the baseline, and errors are never baselined", () => {
    const policy = withBaseline(baselineOf(tenant()));
    policy.exceptions = [{ rule: WEBHOOKS, integrations: [1], reason: "migrating", expires: "2026-12-31" }];
    const findings = evaluateInventory([...tenant(), healthy({ id: 8, webhooks_enabled: undefined })], { now: NOW, policy });
    const one = findings.find((f) => f.ruleId === WEBHOOKS && f.integration?.id === 1)!;
    expect([one.exception?.state, one.baseline, one.fingerprint]).toEqual(["active", undefined, undefined]);
    const err = findings.find((f) => f.ruleId === WEBHOOKS && f.integration?.id === 8)!;
    expect([err.status, err.baseline, err.fingerprint]).toEqual(["error", undefined, undefined]);
  });
});
