/**
 * The records flow-audit evaluates: read from Flow (with live progress on a terminal) or from a
 * snapshot (--from-snapshot), masked unless personal data is shown.
 */
import * as path from "node:path";
import { createFlowClient } from "../api/client";
import { flowConnection } from "../api/connection";
import type { InventoryRecord, IntegrationQuery } from "../api/types";
import { maskPersonalData, showPersonalDataFromEnv } from "../inventory/privacy";
import type { AuditArgs } from "./args";
import { checkFilters, filterRecords, seenIn, unmatched, type Seen } from "./filters";
import type { AuditIO, Say } from "./io";
import type { AuditReport } from "./report";
import { readSnapshot } from "./snapshot";
import { count } from "./terminal";

/** What was read: the records to evaluate, where from, and the filter warnings. */
export interface ReadResult {
  records: InventoryRecord[];
  source: AuditReport["source"];
  notes: string[];
}

/** The arguments with personal data shown when --show-personal-data or the environment asks for it (a bad value is a warning). */
export function withPersonalDataSetting(args: AuditArgs, env: NodeJS.ProcessEnv, say: Say): AuditArgs {
  const fromEnv = showPersonalDataFromEnv(env);
  if (fromEnv.problem) say(`flow-audit: warning: ${fromEnv.problem}`);
  return { ...args, showPersonalData: args.showPersonalData || fromEnv.show };
}

/**
 * The records to evaluate: from a snapshot (offline) or read from Flow; masked unless asked
 * not to. Filter values that match nothing are a usage error; `notes` are the filter warnings.
 */
export async function loadRecords(args: AuditArgs, io: AuditIO, say: Say): Promise<ReadResult> {
  let records: InventoryRecord[];
  let source: AuditReport["source"];
  let notes: string[];
  if (args.fromSnapshot) {
    const snap = readSnapshot(path.resolve(io.cwd, args.fromSnapshot));
    if (!snap.digest) say(`flow-audit: warning: ${args.fromSnapshot} has no digest (written before pulumi-flow 0.2), so changes to it cannot be detected`);
    records = filterRecords(snap.records, args);
    source = { kind: "snapshot", location: args.fromSnapshot };
    notes = checkFilters(args, records, seenIn(snap.records.map((r) => r.integration)), "in the snapshot");
  } else {
    const read = await readInventory(args, io);
    records = read.records;
    source = { kind: "api", location: read.location };
    notes = checkFilters(args, records, read.seen, "in Flow");
  }
  return { records: args.showPersonalData ? records : maskPersonalData(records), source, notes };
}

async function readInventory(args: AuditArgs, io: AuditIO): Promise<{ records: InventoryRecord[]; location: string; seen?: Seen }> {
  const connection = flowConnection({ baseUrl: args.apiUrl }, io.env, "set FLOW_API_TOKEN (it is never accepted as a flag)");
  const client = createFlowClient({
    ...connection,
    dispatcher: io.dispatcher,
    concurrency: args.concurrency,
    timeoutMs: args.timeoutMs,
    deadlineMs: args.deadlineMs,
    maxResponseBytes: args.maxResponseBytes,
    maxTotalBytes: args.maxTotalBytes,
    maxRecords: args.maxRecords,
    env: io.env,
  });
  const query: IntegrationQuery = {};
  if (args.vendors.length) query.vendor_type__in = args.vendors.join(",");
  if (args.ids.length) query.id__in = args.ids.join(",");
  const progress = progressReporter(args, io);
  let last = { integrations: 0, statuses: 0 };
  let records: InventoryRecord[];
  let seen: Seen | undefined;
  try {
    records = await client.getInventory(query, {
      onProgress: (p) => {
        last = p;
        progress.update(p);
      },
    });
    // A filter value that matched nothing: one light listing (ids and vendors only) tells a typo from a filtered-out value.
    const missing = unmatched(args, records);
    // Collected (read again if inconsistent, as the main read is), without connection statuses.
    if (missing.vendors.length || missing.ids.length)
      seen = seenIn((await client.getInventory({ fields: "vendor_type" }, { connectionStatus: false })).map((r) => r.integration));
  } finally {
    client.close();
  }
  progress.done(last);
  return { records, location: client.baseUrl, seen };
}

function progressText(p: { integrations: number; statuses: number }): string {
  return `${count(p.integrations, "integration")} read, ${count(p.statuses, "connection status", "connection statuses")}`;
}

function progressReporter(args: AuditArgs, io: AuditIO) {
  const live = !args.quiet && io.stderr.isTTY === true;
  let last = 0;
  return {
    update(p: { integrations: number; statuses: number }) {
      if (!live || Date.now() - last < 100) return;
      last = Date.now();
      io.stderr.write(`\rflow-audit: ${progressText(p)}`);
    },
    done(p: { integrations: number; statuses: number }) {
      if (live) io.stderr.write(`\rflow-audit: ${progressText(p)}\n`);
    },
  };
}
