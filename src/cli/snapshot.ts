import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { FlowApiError } from "../api/errors";
import type { InventoryRecord } from "../api/types";
import { validateIntegration } from "../api/validation";

/** The `kind` of a snapshot file. */
export const SNAPSHOT_KIND = "pulumi-flow/inventory-snapshot";

/** An inventory saved by `flow-audit --snapshot-out` (never contains the API token). */
export interface Snapshot {
  kind: typeof SNAPSHOT_KIND;
  /** 2 since records carry a digest; 1 (no digest) is still read. */
  version: 1 | 2;
  createdAt: string;
  /**
   * `sha256:<hex>` of the records as compact JSON. A replay verifies it, so an edited snapshot
   * (a setting flipped, a record removed) is refused. Tamper-evidence against accidents and
   * casual edits only: whoever can edit the file can recompute the digest.
   */
  digest?: string;
  /** Where the inventory was read from (API base URL, or an earlier snapshot). */
  source: string;
  /** True when user names and emails were masked before saving. */
  personalDataMasked: boolean;
  records: InventoryRecord[];
}

/** A snapshot file that cannot be used. */
export class SnapshotError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "SnapshotError";
  }
}

/** The digest of a snapshot's records. */
export function recordsDigest(records: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(records)).digest("hex")}`;
}

/** Builds a snapshot of records (records sorted by id, so files diff cleanly) with their digest. */
export function makeSnapshot(records: InventoryRecord[], source: string, personalDataMasked: boolean, now = new Date()): Snapshot {
  const sorted = [...records].sort((a, b) => a.integration.id - b.integration.id);
  return { kind: SNAPSHOT_KIND, version: 2, createdAt: now.toISOString(), digest: recordsDigest(sorted), source, personalDataMasked, records: sorted };
}

/** Writes a snapshot as pretty JSON. */
export function writeSnapshot(file: string, snapshot: Snapshot): void {
  fs.writeFileSync(file, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** Reads a snapshot; every record must be an object with a usable id (other fields are judged by the rules, as in a live read). */
export function readSnapshot(file: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SnapshotError(file, err.code ? `cannot read the snapshot (${err.code})` : `not valid JSON (${err.message})`);
  }
  const s = data as Partial<Snapshot>;
  if (!s || typeof s !== "object" || s.kind !== SNAPSHOT_KIND)
    throw new SnapshotError(file, `not a pulumi-flow snapshot (expected "kind": "${SNAPSHOT_KIND}")`);
  if (s.version !== 1 && s.version !== 2)
    throw new SnapshotError(file, `unsupported snapshot version ${JSON.stringify(s.version)} (this flow-audit reads versions 1 and 2)`);
  if (!Array.isArray(s.records)) throw new SnapshotError(file, "$.records must be an array");
  if (s.version === 2 && s.digest !== recordsDigest(s.records)) {
    throw new SnapshotError(file, "its records do not match its digest: the snapshot was changed after flow-audit wrote it, so it is not replayed");
  }
  const records = s.records.map((r, i): InventoryRecord => {
    try {
      // Like a live read: each record must be identifiable; other fields are checked by the rules that read them.
      const entry = r as Partial<InventoryRecord> | null | undefined;
      const integration = validateIntegration("snapshot", entry?.integration, `/records/${i}/integration`);
      const status = entry?.connectionStatus;
      return status === undefined ? { integration } : { integration, connectionStatus: status };
    } catch (e) {
      if (!(e instanceof FlowApiError)) throw e;
      const where = e.path ?? `$.records[${i}]`;
      throw new SnapshotError(
        file,
        `${where}${e.integrationId !== undefined ? ` (integration ${e.integrationId})` : ""}: ${e.summary} (${e.detail ?? "invalid"})`,
      );
    }
  });
  return {
    kind: SNAPSHOT_KIND,
    version: s.version,
    createdAt: String(s.createdAt ?? ""),
    ...(s.digest ? { digest: s.digest } : {}),
    source: String(s.source ?? file),
    personalDataMasked: s.personalDataMasked !== false,
    records,
  };
}
