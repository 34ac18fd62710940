import type { Integration, InventoryRecord } from "../../../src/api/types";

/** The reference time of every rule test. */
export const NOW = new Date("2026-06-15T12:00:00Z");
export const ctx = { now: NOW };

/** One integration that every rule accepts with its defaults; tests change one thing. */
export function healthy(overrides: Partial<Integration> = {}): InventoryRecord {
  const integration: Integration = {
    id: 501,
    name: "GitHub Platform",
    org: 1234,
    vendor_type: "github",
    auth_type: "app",
    webhooks_enabled: true,
    enabled_source_types: [
      { id: 1, name: "repo", display_name: "Repos", status: "active" },
      { id: 2, name: "pull_request", display_name: "Pull requests", status: "active" },
    ],
    created_by: { id: 7, name: "Flow Service", email: "svc@example.com", is_active: true },
    updated_by: { id: 8, name: "Dana Ops", email: "dana@example.com", is_active: true },
    source_type_names: ["repo", "pull_request"],
    username: "flow-github-svc",
    vendor_meta: { display_name: "GitHub", enable_webhooks: true, services: [{ name: "github_cloud", source_types: ["repo", "pull_request", "commit"] }] },
    has_repos: true,
    excluded_project_owners: [],
    source_projects_last_updated: "2026-06-14T12:00:00Z",
    processing_status: "PROCESSED",
    exclusion_rule_count: 0,
    ...overrides,
  };
  return { integration, connectionStatus: { status: "connected", connected: true } };
}

/** A second compliant integration with another id and name. */
export function another(id: number, overrides: Partial<Integration> = {}): InventoryRecord {
  return healthy({ id, name: `Integration ${id}`, ...overrides });
}
