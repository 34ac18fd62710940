import type { ConnectionStatus, EnabledSourceType, FlowUser, Integration, VendorMeta } from "../api/types";

/** A simulator record: an integration and the connection status the simulator reports for it. */
export interface SimulatedIntegration {
  integration: Integration;
  connectionStatus: ConnectionStatus;
}

/** The fixed "now" of the demo dataset's freshness; dates are relative to the real clock. */
const DAY = 86_400_000;

function isoDaysAgo(days: number, now: number): string {
  return new Date(now - days * DAY).toISOString();
}

const VENDORS: Record<string, { display: string; webhooks: boolean; services: Array<{ name: string; source_types: string[] }>; auth: string[]; api: string }> = {
  github: {
    display: "GitHub",
    webhooks: true,
    services: [{ name: "github_cloud", source_types: ["repo", "pull_request", "commit"] }],
    auth: ["oauth", "app", "token"],
    api: "https://api.github.com",
  },
  gitlab: {
    display: "GitLab",
    webhooks: true,
    services: [{ name: "gitlab_cloud", source_types: ["repo", "pull_request", "commit"] }],
    auth: ["oauth", "token", "userpass"],
    api: "https://gitlab.com/api/v4",
  },
  bitbucket: {
    display: "Bitbucket",
    webhooks: true,
    services: [{ name: "bitbucket_cloud", source_types: ["repo", "pull_request", "commit"] }],
    auth: ["oauth", "userpass"],
    api: "https://api.bitbucket.org/2.0",
  },
  azure_devops: {
    display: "Azure DevOps",
    webhooks: true,
    services: [{ name: "azure_repos", source_types: ["repo", "pull_request", "commit"] }],
    auth: ["token", "oauth"],
    api: "https://dev.azure.com",
  },
  jira: {
    display: "Jira",
    webhooks: false,
    services: [{ name: "jira_cloud", source_types: ["ticket"] }],
    auth: ["oauth", "token", "userpass"],
    api: "https://example.atlassian.net",
  },
};

function vendorMeta(vendor: string): VendorMeta {
  const v = VENDORS[vendor];
  return {
    display_name: v.display,
    enable_webhooks: v.webhooks,
    services: v.services,
    auth_types: v.auth.map((name) => ({ name, display_name: name })),
  };
}

function sourceTypes(names: string[], status: (name: string) => string = () => "active", now = Date.now()): EnabledSourceType[] {
  return names.map((name, i) => ({ id: i + 1, name, display_name: name, status: status(name), last_synced_at: isoDaysAgo(1, now) }));
}

const users: Record<string, FlowUser> = {
  dana: { id: 1001, name: "Dana Ops", first_name: "Dana", last_name: "Ops", email: "dana.ops@example.com", is_active: true },
  sam: { id: 1002, name: "Sam Former", first_name: "Sam", last_name: "Former", email: "sam.former@example.com", is_active: false },
  svc: { id: 1003, name: "Flow Service Account", first_name: "Flow", last_name: "Service", email: "flow-svc@example.com", is_active: true },
};

interface DemoSpec {
  id: number;
  name: string;
  vendor: string;
  auth: string;
  webhooks: boolean;
  username: string;
  types: string[];
  inactive?: string[];
  syncedDaysAgo: number | null;
  createdBy: FlowUser | number | null;
  updatedBy?: FlowUser | number | null;
  processing?: string;
  status?: ConnectionStatus;
  excluded?: string[];
  exclusionRules?: number;
}

const connected: ConnectionStatus = { status: "connected", connected: true, message: null };

/** The demo tenant: a dozen integrations, some compliant, some deliberately not. */
const DEMO: DemoSpec[] = [
  { id: 101, name: "GitHub Platform", vendor: "github", auth: "app", webhooks: true, username: "flow-github-svc", types: ["repo", "pull_request", "commit"], syncedDaysAgo: 0.2, createdBy: users.svc },
  { id: 102, name: "GitHub Mobile", vendor: "github", auth: "oauth", webhooks: false, username: "flow-github-svc", types: ["repo", "pull_request"], syncedDaysAgo: 1, createdBy: users.dana },
  { id: 103, name: "GitLab Core", vendor: "gitlab", auth: "token", webhooks: true, username: "flow-gitlab-svc", types: ["repo", "pull_request"], syncedDaysAgo: 0.5, createdBy: users.dana },
  { id: 104, name: "GitLab Legacy", vendor: "gitlab", auth: "userpass", webhooks: true, username: "jdoe", types: ["repo", "pull_request"], syncedDaysAgo: 2, createdBy: users.dana },
  { id: 105, name: "Bitbucket Payments", vendor: "bitbucket", auth: "oauth", webhooks: true, username: "flow-bitbucket-svc", types: ["repo", "pull_request"], syncedDaysAgo: 1, createdBy: users.dana, status: { status: "disconnected", connected: false, message: "OAuth token expired" } },
  { id: 106, name: "Bitbucket Data", vendor: "bitbucket", auth: "oauth", webhooks: true, username: "flow-bitbucket-svc", types: ["repo", "pull_request"], inactive: ["pull_request"], syncedDaysAgo: 3, createdBy: users.svc },
  { id: 107, name: "Azure DevOps Corp", vendor: "azure_devops", auth: "token", webhooks: true, username: "flow-ado-svc", types: ["repo", "pull_request"], syncedDaysAgo: 21, createdBy: users.svc },
  { id: 108, name: "Azure DevOps Labs", vendor: "azure_devops", auth: "oauth", webhooks: true, username: "flow-ado-svc", types: ["repo", "pull_request"], syncedDaysAgo: 1, createdBy: users.sam, updatedBy: users.sam },
  { id: 109, name: "Jira Cloud", vendor: "jira", auth: "oauth", webhooks: false, username: "flow-jira-svc", types: ["ticket"], syncedDaysAgo: 0.1, createdBy: users.svc },
  { id: 110, name: "Jira Server", vendor: "jira", auth: "userpass", webhooks: false, username: "admin", types: ["ticket"], syncedDaysAgo: 1, createdBy: 1002, processing: "FAILED" },
  { id: 111, name: "GitHub OSS", vendor: "github", auth: "oauth", webhooks: true, username: "flow-github-svc", types: ["repo"], syncedDaysAgo: 0.3, createdBy: users.dana, excluded: ["archived-forks", "sandbox"], exclusionRules: 2 },
  { id: 112, name: "GitLab Infra", vendor: "gitlab", auth: "oauth", webhooks: true, username: "flow-gitlab-svc", types: ["repo", "pull_request"], syncedDaysAgo: 0.8, createdBy: users.dana, processing: "PROCESSING" },
];

function fromSpec(s: DemoSpec, now: number): SimulatedIntegration {
  const inactive = new Set(s.inactive ?? []);
  return {
    integration: {
      id: s.id,
      name: s.name,
      org: 1234,
      vendor_type: s.vendor,
      auth_type: s.auth,
      webhooks_enabled: s.webhooks,
      enabled_source_types: sourceTypes(s.types, (n) => (inactive.has(n) ? "inactive" : "active"), now),
      created_at: isoDaysAgo(400 - s.id, now),
      updated_at: isoDaysAgo(30, now),
      created_by: s.createdBy,
      updated_by: s.updatedBy ?? null,
      source_type_names: s.types,
      username: s.username,
      vendor_meta: vendorMeta(s.vendor),
      has_repos: !s.types.includes("ticket"),
      excluded_project_owners: s.excluded ?? [],
      url: null,
      source_projects_last_updated: s.syncedDaysAgo === null ? null : isoDaysAgo(s.syncedDaysAgo, now),
      agent_enabled: false,
      auto_import_all_repo_groups_enabled: true,
      api_url: VENDORS[s.vendor].api,
      integration_type: "remote",
      processing_status: s.processing ?? "PROCESSED",
      connected_accounts_count: 1,
      deployment_source: "cloud",
      exclusion_rule_count: s.exclusionRules ?? 0,
      push_projects_enabled: false,
    },
    connectionStatus: { ...(s.status ?? connected), last_checked_at: isoDaysAgo(0.01, now) },
  };
}

/** Deterministic PRNG (mulberry32): generated datasets and probabilistic faults repeat exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `generated:N`: N synthetic integrations, identical for the same N and seed. */
export function generatedDataset(n: number, seed = 42, now = Date.now()): SimulatedIntegration[] {
  const rand = prng(seed);
  const vendors = Object.keys(VENDORS);
  const out: SimulatedIntegration[] = [];
  for (let i = 0; i < n; i++) {
    const vendor = vendors[Math.floor(rand() * vendors.length)];
    const auth = VENDORS[vendor].auth[Math.floor(rand() * VENDORS[vendor].auth.length)];
    const types = VENDORS[vendor].services[0].source_types.slice(0, 1 + Math.floor(rand() * 3));
    const spec: DemoSpec = {
      id: 10_000 + i,
      name: `${VENDORS[vendor].display} ${String(i).padStart(5, "0")}`,
      vendor,
      auth,
      webhooks: VENDORS[vendor].webhooks && rand() > 0.1,
      username: rand() > 0.2 ? `flow-${vendor}-svc` : `user${i}`,
      types,
      inactive: rand() > 0.95 ? [types[0]] : [],
      syncedDaysAgo: Math.round(rand() * 140) / 10,
      createdBy: rand() > 0.97 ? users.sam : users.svc,
      status: rand() > 0.97 ? { status: "disconnected", connected: false, message: "credentials rejected" } : undefined,
    };
    out.push(fromSpec(spec, now));
  }
  return out;
}

/** The `demo` dataset (see DEMO above for what each integration gets wrong). */
export function demoDataset(now = Date.now()): SimulatedIntegration[] {
  return DEMO.map((s) => fromSpec(s, now));
}

/** Resolves a dataset name: `demo`, `empty` or `generated:N`. */
export function loadDataset(name: string, now = Date.now()): SimulatedIntegration[] {
  if (name === "demo") return demoDataset(now);
  if (name === "empty") return [];
  const m = /^generated:(\d+)$/.exec(name);
  if (m) return generatedDataset(Number(m[1]), 42, now);
  throw new Error(`unknown simulator dataset "${name}" (expected demo, empty or generated:N)`);
}
