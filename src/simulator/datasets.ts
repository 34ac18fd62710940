import { formatFlowTimestamp } from "../api/time";
import type { ConnectionStatus, EnabledSourceType, FlowUser, Integration, VendorMeta } from "../api/types";
import publishedExample from "../api/examples/published-integration.json";

/** A simulator record: an integration and the connection status the simulator reports for it. */
export interface SimulatedIntegration {
  integration: Integration;
  connectionStatus: ConnectionStatus;
}

const DAY = 86_400_000;

/** A naive UTC timestamp `days` before `now`, written the way Flow writes them (no offset, microseconds). */
function daysAgo(days: number, now: number): string {
  return formatFlowTimestamp(now - days * DAY);
}

/** Source type keys and their numeric ids, as the published example pairs them. */
const SOURCE_TYPE_IDS: Record<string, number> = { ticket: 1, pull_request: 2, repo: 3 };
const SERVICE_DISPLAY: Record<string, string> = { repo: "Repos", ticket: "Tickets", pull_request: "Pull Requests" };

type SimulatedVendor = VendorMeta & { title: string; services: Array<{ name: string; display: string }>; auth_types: string[] };

/** Vendor metadata in the published shape (the fields and order of the example's `vendor_meta`). */
function vendor(name: string, title: string, services: string[], authTypes: string[], webhooks: boolean): SimulatedVendor {
  return {
    name,
    title,
    services: services.map((s) => ({ name: s, display: SERVICE_DISPLAY[s] })),
    icon: `vendors/${name}`,
    auth_types: authTypes,
    is_cloud: true,
    enable_webhooks: webhooks,
    allow_multiple_accounts: true,
  };
}

/** The simulated vendors; Bitbucket's metadata is the published example's, verbatim. */
const VENDORS: Record<string, SimulatedVendor> = {
  github: vendor("github", "GitHub", ["repo", "pull_request"], ["oauth", "app", "token"], true),
  gitlab: vendor("gitlab", "GitLab", ["repo", "pull_request"], ["oauth", "token", "userpass"], true),
  bitbucket: publishedExample.vendor_meta,
  azure_devops: vendor("azure_devops", "Azure DevOps", ["repo", "pull_request"], ["token", "oauth"], true),
  jira: vendor("jira", "Jira", ["ticket"], ["oauth", "token", "userpass"], false),
};

/** A user object shaped like the published example's `created_by`. */
function user(id: number, name: string, email: string, isActive: boolean): FlowUser {
  return {
    id,
    audit_created_at: "2020-01-10T15:21:38.635131",
    avatar_url: "https://secure.gravatar.com/avatar/example.jpg",
    is_active: isActive,
    saml_integration: null,
    login_email: email,
    login_enabled: isActive,
    signup_method: "saml",
    needs_password_reset: false,
    password_change_allowed: false,
    user_id: id,
    name,
    email,
    apex_user_id: 4_458_000 + id,
  };
}

const users = {
  dana: user(1001, "Dana Ops", "dana.ops@example.com", true),
  sam: user(1002, "Sam Former", "sam.former@example.com", false),
  svc: user(1003, "Flow Service Account", "flow-svc@example.com", true),
};

function sourceTypes(integrationId: number, vendor: string, names: string[], creator: FlowUser, status: (name: string) => string): EnabledSourceType[] {
  return names.map((name, k) => ({
    id: integrationId * 100 + k,
    status: status(name),
    source_type_name: name,
    integration: integrationId,
    source_type: SOURCE_TYPE_IDS[name],
    vendor_name: vendor,
    created_by: String(creator.id),
    agent_enabled: false,
  }));
}

interface DemoSpec {
  id: number;
  name: string;
  vendor: string;
  auth: string;
  webhooks: boolean;
  username: string | null;
  types: string[];
  inactive?: string[];
  syncedDaysAgo: number | null;
  createdBy: FlowUser;
  updatedBy?: FlowUser;
  processing?: string;
  status?: ConnectionStatus;
  excluded?: string[];
  exclusionRules?: number;
}

const connected: ConnectionStatus = { status: "connected", connected: true, message: null };

/** The demo tenant: a dozen integrations, some compliant, some deliberately not. */
const DEMO: DemoSpec[] = [
  {
    id: 101,
    name: "GitHub Platform",
    vendor: "github",
    auth: "app",
    webhooks: true,
    username: "flow-github-svc",
    types: ["repo", "pull_request"],
    syncedDaysAgo: 0.2,
    createdBy: users.svc,
  },
  {
    id: 102,
    name: "GitHub Mobile",
    vendor: "github",
    auth: "oauth",
    webhooks: false,
    username: null,
    types: ["repo", "pull_request"],
    syncedDaysAgo: 1,
    createdBy: users.dana,
  },
  {
    id: 103,
    name: "GitLab Core",
    vendor: "gitlab",
    auth: "token",
    webhooks: true,
    username: "flow-gitlab-svc",
    types: ["repo", "pull_request"],
    syncedDaysAgo: 0.5,
    createdBy: users.dana,
  },
  {
    id: 104,
    name: "GitLab Legacy",
    vendor: "gitlab",
    auth: "userpass",
    webhooks: true,
    username: "jdoe",
    types: ["repo", "pull_request"],
    syncedDaysAgo: 2,
    createdBy: users.dana,
  },
  {
    id: 105,
    name: "Bitbucket Payments",
    vendor: "bitbucket",
    auth: "oauth",
    webhooks: true,
    username: null,
    types: ["repo", "pull_request"],
    syncedDaysAgo: 1,
    createdBy: users.dana,
    status: { status: "disconnected", connected: false, message: "OAuth token expired" },
  },
  {
    id: 106,
    name: "Bitbucket Data",
    vendor: "bitbucket",
    auth: "oauth",
    webhooks: true,
    username: null,
    types: ["repo", "pull_request"],
    inactive: ["pull_request"],
    syncedDaysAgo: 3,
    createdBy: users.svc,
  },
  {
    id: 107,
    name: "Azure DevOps Corp",
    vendor: "azure_devops",
    auth: "token",
    webhooks: true,
    username: "flow-ado-svc",
    types: ["repo", "pull_request"],
    syncedDaysAgo: 21,
    createdBy: users.svc,
  },
  {
    id: 108,
    name: "Azure DevOps Labs",
    vendor: "azure_devops",
    auth: "oauth",
    webhooks: true,
    username: null,
    types: ["repo", "pull_request"],
    syncedDaysAgo: 1,
    createdBy: users.sam,
    updatedBy: users.sam,
  },
  { id: 109, name: "Jira Cloud", vendor: "jira", auth: "oauth", webhooks: false, username: null, types: ["ticket"], syncedDaysAgo: 0.1, createdBy: users.svc },
  {
    id: 110,
    name: "Jira Server",
    vendor: "jira",
    auth: "userpass",
    webhooks: false,
    username: "admin",
    types: ["ticket"],
    syncedDaysAgo: 1,
    createdBy: users.svc,
    processing: "FAILED",
  },
  {
    id: 111,
    name: "GitHub OSS",
    vendor: "github",
    auth: "oauth",
    webhooks: true,
    username: null,
    types: ["repo"],
    syncedDaysAgo: 0.3,
    createdBy: users.dana,
    excluded: ["archived-forks", "sandbox"],
    exclusionRules: 2,
  },
  {
    id: 112,
    name: "GitLab Infra",
    vendor: "gitlab",
    auth: "oauth",
    webhooks: true,
    username: null,
    types: ["repo", "pull_request"],
    syncedDaysAgo: 0.8,
    createdBy: users.dana,
    processing: "PROCESSING",
  },
];

/** A record of exactly the published shape (same fields, same order, same types) from a spec. */
function fromSpec(s: DemoSpec, now: number): SimulatedIntegration {
  const inactive = new Set(s.inactive ?? []);
  const updatedBy = s.updatedBy ?? s.createdBy;
  return {
    integration: {
      id: s.id,
      name: s.name,
      org: 1234,
      vendor_type: s.vendor,
      auth_type: s.auth,
      webhooks_enabled: s.webhooks,
      auto_import_all_repo_groups_enabled: false,
      enabled_source_types: sourceTypes(s.id, s.vendor, s.types, s.createdBy, (n) => (inactive.has(n) ? "inactive" : "active")),
      created_at: daysAgo(400 - s.id / 100, now),
      updated_at: daysAgo(30, now),
      created_by: s.createdBy,
      updated_by: updatedBy,
      source_type_names: s.types,
      username: s.username,
      vendor_meta: VENDORS[s.vendor],
      has_repos: s.types.includes("repo"),
      excluded_project_owners: s.excluded ?? [],
      url: "",
      api_url: null,
      source_projects_last_updated: s.syncedDaysAgo === null ? null : daysAgo(s.syncedDaysAgo, now),
      integration_type: 1,
      processing_status: s.processing ?? "PROCESSED",
      connected_accounts_count: 1,
      deployment_source: "none",
      exclusion_rule_count: s.exclusionRules ?? 0,
      push_projects_enabled: false,
    },
    connectionStatus: { ...(s.status ?? connected), last_checked_at: daysAgo(0.01, now) },
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

/** `generated:N`: N synthetic integrations of the published shape, identical for the same N and seed. */
export function generatedDataset(n: number, seed = 42, now = Date.now()): SimulatedIntegration[] {
  const rand = prng(seed);
  const vendors = Object.keys(VENDORS);
  const out: SimulatedIntegration[] = [];
  for (let i = 0; i < n; i++) {
    const vendor = vendors[Math.floor(rand() * vendors.length)];
    const meta = VENDORS[vendor];
    const auth = meta.auth_types[Math.floor(rand() * meta.auth_types.length)];
    const offered = meta.services.map((s) => s.name);
    const types = offered.slice(0, 1 + Math.floor(rand() * offered.length));
    const spec: DemoSpec = {
      id: 10_000 + i,
      name: `${meta.title} ${String(i).padStart(5, "0")}`,
      vendor,
      auth,
      webhooks: meta.enable_webhooks === true && rand() > 0.1,
      username: auth === "oauth" ? null : rand() > 0.2 ? `flow-${vendor}-svc` : `user${i}`,
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

/** The published example response, verbatim (a fresh copy). */
export function publishedIntegration(): Integration {
  return structuredClone<Integration>(publishedExample);
}

/**
 * `published`: Flow's published example response verbatim (id 10649), then variants of it that
 * the page's table allows or real tenants evidently send, each changing one thing.
 */
export function publishedDataset(now = Date.now()): SimulatedIntegration[] {
  const status = (overrides: Partial<ConnectionStatus> = {}): ConnectionStatus => ({ ...connected, last_checked_at: daysAgo(0.01, now), ...overrides });
  const variant = (id: number, suffix: string, change: (i: Record<string, unknown>) => void, connection = status()): SimulatedIntegration => {
    const integration = publishedIntegration() as unknown as Record<string, unknown>;
    integration.id = id;
    integration.name = `${integration.name as string} (${suffix})`;
    for (const t of integration.enabled_source_types as Array<Record<string, unknown>>) t.integration = id;
    change(integration);
    return { integration: integration as unknown as Integration, connectionStatus: connection };
  };
  return [
    { integration: publishedIntegration(), connectionStatus: status() },
    variant(10650, "creator as id", (i) => {
      i.created_by = "19994";
      i.updated_by = "19994";
    }),
    variant(10651, "no source types", (i) => {
      i.enabled_source_types = [];
      i.source_type_names = [];
    }),
    variant(10652, "extra field", (i) => {
      i.sync_schedule = { interval_minutes: 60, next_run_at: "2024-03-21T00:00:00.000000" };
    }),
    variant(
      10653,
      "uppercase statuses",
      (i) => {
        for (const t of i.enabled_source_types as Array<Record<string, unknown>>) t.status = "ACTIVE";
      },
      status({ status: "CONNECTED" }),
    ),
    variant(10654, "unusable field", (i) => {
      i.webhooks_enabled = "yes";
    }),
    variant(10655, "unread field", (i) => {
      i.integration_type = "remote";
    }),
  ];
}

/** Dataset names the simulator accepts. */
export const DATASET_NAMES = ["demo", "published", "empty", "generated:N"] as const;

/** Resolves a dataset name: `demo`, `published`, `empty` or `generated:N`. */
export function loadDataset(name: string, now = Date.now()): SimulatedIntegration[] {
  if (name === "demo") return demoDataset(now);
  if (name === "published") return publishedDataset(now);
  if (name === "empty") return [];
  const m = /^generated:(\d+)$/.exec(name);
  if (m) return generatedDataset(Number(m[1]), 42, now);
  throw new Error(`unknown simulator dataset "${name}" (expected ${DATASET_NAMES.join(", ")})`);
}
