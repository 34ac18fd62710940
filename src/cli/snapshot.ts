import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { FlowApiError } from "../api/errors";
import { ingestValue, jsonDepth, MAX_DEPTH } from "../api/ingest";
import type { InventoryRecord } from "../api/types";
import { validateIntegration } from "../api/validation";
import { FileReadError, readTextFile } from "../config/read-file";
import { UsageError } from "./args";

/** The `kind` of a snapshot file. */
export const SNAPSHOT_KIND = "pulumi-flow/inventory-snapshot";
/**
 * Largest snapshot file read (--from-snapshot, --diff-against, --history-dir): 256 MiB. A record
 * is about 2.2 KB of JSON, 3.3 KB as written (pretty-printed), so a 10,000-integration tenant's
 * snapshot is about 33 MB; 256 MiB holds some 80,000 such records.
 */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

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

/**
 * The digest of a snapshot's records: sha256 of their compact JSON, hashed one record at a time
 * (the same bytes as JSON.stringify(records), without holding them all as one string).
 */
export function recordsDigest(records: unknown): string {
  const hash = createHash("sha256");
  if (!Array.isArray(records)) hash.update(JSON.stringify(records) ?? "");
  else {
    hash.update("[");
    records.forEach((r, i) => hash.update(`${i ? "," : ""}${JSON.stringify(r) ?? "null"}`));
    hash.update("]");
  }
  return `sha256:${hash.digest("hex")}`;
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

/** The parsed JSON of a snapshot file: a regular file within MAX_SNAPSHOT_BYTES, nesting within MAX_DEPTH. */
function snapshotJson(file: string): unknown {
  let text: string;
  try {
    text = readTextFile(file, MAX_SNAPSHOT_BYTES);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.reason === "unreadable") throw new SnapshotError(file, `cannot read the snapshot (${e.code ?? e.problem})`);
    throw new SnapshotError(file, e.reason === "too-large" ? `${e.problem} (the largest snapshot read)` : e.problem);
  }
  // Checked on the text, before anything recursive (parsing, the digest, validation) sees it.
  if (jsonDepth(text, MAX_DEPTH) > MAX_DEPTH)
    throw new SnapshotError(file, `nests more than ${MAX_DEPTH} levels deep, far beyond any snapshot flow-audit writes; refusing to read it`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** Reads a snapshot; every record must be an object with a usable id (other fields are judged by the rules, as in a live read). */
export function readSnapshot(file: string): Snapshot {
  const data = snapshotJson(file);
  const s = data as Partial<Snapshot>;
  if (!s || typeof s !== "object" || s.kind !== SNAPSHOT_KIND)
    throw new SnapshotError(file, `not a pulumi-flow snapshot (expected "kind": "${SNAPSHOT_KIND}")`);
  if (s.version !== 1 && s.version !== 2)
    throw new SnapshotError(file, `unsupported snapshot version ${JSON.stringify(s.version)} (this flow-audit reads versions 1 and 2)`);
  if (!Array.isArray(s.records)) throw new SnapshotError(file, "$.records must be an array");
  if (s.version === 2 && s.digest !== recordsDigest(s.records)) {
    throw new SnapshotError(file, "its records do not match its digest: the snapshot was changed after flow-audit wrote it, so it is not replayed");
  }
  // A file is not Flow, but what it holds reaches the same reports: cleaned as a live read is
  // (after the digest check, which covers the text as written).
  ingestValue(s.records, undefined);
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

/** Writes the snapshot asked for with --snapshot-out, and returns it (SARIF results may point at its records). */
export function saveSnapshot(file: string, cwd: string, snapshot: Snapshot): { file: string; snapshot: Snapshot } {
  try {
    writeSnapshot(path.resolve(cwd, file), snapshot);
  } catch (e) {
    throw new UsageError(`--snapshot-out ${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { file, snapshot };
}
