import { count } from "../api/text";
import { lastSync } from "../inventory/health";
import type { IntegrationRule } from "./types";
import { error, notApplicable, ok, schemaOf, shown, violation } from "./util";

/** Parameters of flow-integration-recently-synced. */
export interface RecentlySyncedConfig {
  /** Maximum age in days of source_projects_last_updated. */
  maxAgeDays: number;
}

const defaults: RecentlySyncedConfig = { maxAgeDays: 7 };
const DAY = 86_400_000;

/** An integration that stopped syncing reports old numbers as if they were current. */
export const recentlySynced: IntegrationRule<RecentlySyncedConfig> = {
  scope: "integration",
  id: "flow-integration-recently-synced",
  title: "Recently synced",
  description: "Checks that an integration with repositories synced its projects within the last maxAgeDays days.",
  severity: "medium",
  enforcement: "advisory",
  defaults,
  configSchema: schemaOf(defaults, {
    maxAgeDays: { type: "number", exclusiveMinimum: 0, description: "Maximum age in days of the last project sync (source_projects_last_updated)." },
  }),
  remediation: "In Flow, check the integration's sync log; reconnect it or re-import its repositories so projects sync again.",
  reads: ["has_repos", "source_projects_last_updated"],
  evaluate({ integration: i }, config, { now }) {
    const last = i.source_projects_last_updated ?? null;
    const evidence: Record<string, unknown> = { has_repos: i.has_repos ?? null, source_projects_last_updated: last, maxAgeDays: config.maxAgeDays };
    if (i.has_repos === false) return notApplicable("has no repositories to sync.", evidence);
    if (i.has_repos !== true) return notApplicable("did not report whether it has repositories (has_repos).", evidence);
    if (last === null) return violation("has repositories but no recorded project sync (source_projects_last_updated is empty).", evidence);
    const t = lastSync(i);
    if (t === undefined) return error(`reported an unreadable source_projects_last_updated '${shown(last)}'.`, evidence);
    const days = (now.getTime() - t) / DAY;
    evidence.ageDays = Math.round(days * 10) / 10;
    if (days <= config.maxAgeDays) return ok(`synced ${fmtDays(days)} ago.`, evidence);
    return violation(
      `last synced its projects ${fmtDays(days)} ago (${new Date(t).toISOString()}), more than the allowed ${count(config.maxAgeDays, "day")}.`,
      evidence,
    );
  },
};

function fmtDays(days: number): string {
  return days < 1 ? count(Math.max(0, Math.round(days * 24)), "hour") : count(Math.floor(days), "day");
}
