import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeSnapshot, MAX_SNAPSHOT_BYTES, readSnapshot, recordsDigest, SnapshotError, writeSnapshot } from "../../../src/cli/snapshot";
import { demoDataset } from "../../../src/simulator/datasets";

describe("snapshot files (src/cli/snapshot.ts)", () => {
  let dir: string;
  const records = () => demoDataset(Date.parse("2026-06-01T00:00:00Z")).map((s) => ({ integration: s.integration, connectionStatus: s.connectionStatus }));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const problem = (file: string) => {
    try {
      readSnapshot(file);
    } catch (e) {
      expect(e).toBeInstanceOf(SnapshotError);
      return (e as Error).message;
    }
    return "read";
  };

  it("digests the records as their compact JSON, one record at a time", () => {
    const r = records();
    expect(recordsDigest(r)).toBe(`sha256:${createHash("sha256").update(JSON.stringify(r)).digest("hex")}`);
    expect(recordsDigest([])).toBe(`sha256:${createHash("sha256").update("[]").digest("hex")}`);
    const file = path.join(dir, "s.json");
    writeSnapshot(file, makeSnapshot(r, "http://127.0.0.1/v3/customer/core", true));
    expect(readSnapshot(file).records).toHaveLength(r.length);
  });

  it("refuses a deeply nested snapshot with a clear error naming the file, in either version", () => {
    for (const version of [1, 2]) {
      const r = records();
      const snap = makeSnapshot(r, "http://127.0.0.1/v3/customer/core", true);
      const text = JSON.stringify({
        ...snap,
        version,
        records: snap.records.map((x, i) => (i ? x : { ...x, integration: { ...x.integration, extra: "DEEP" } })),
      });
      const file = path.join(dir, `deep-${version}.json`);
      fs.writeFileSync(file, text.replace('"DEEP"', `${"[".repeat(10_000)}${"]".repeat(10_000)}`));
      expect(problem(file)).toBe(`${file}: nests more than 32 levels deep, far beyond any snapshot flow-audit writes; refusing to read it`);
    }
  });

  it("refuses a snapshot over MAX_SNAPSHOT_BYTES (256 MiB) before reading it, and non-JSON naming the file", () => {
    expect(MAX_SNAPSHOT_BYTES).toBe(256 * 1024 * 1024);
    const big = path.join(dir, "big.json");
    fs.writeFileSync(big, "");
    fs.truncateSync(big, MAX_SNAPSHOT_BYTES + 1); // sparse: no disk space used
    expect(problem(big)).toBe(`${big}: is larger than ${MAX_SNAPSHOT_BYTES} bytes (the largest snapshot read)`);
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "{ not json");
    expect(problem(bad)).toMatch(new RegExp(`^${bad}: not valid JSON \\(`));
    expect(problem(path.join(dir, "missing.json"))).toBe(`${path.join(dir, "missing.json")}: cannot read the snapshot (ENOENT)`);
  });

  it("cleans what a snapshot holds as a live read is cleaned: invisible and control characters in names never reach a report", () => {
    const r = records();
    r[1].integration.name = "Integration 2\u2062\u3164\u001b[2J";
    const file = path.join(dir, "invisible.json");
    writeSnapshot(file, makeSnapshot(r, "test", true));
    const read = readSnapshot(file);
    expect(read.records.find((x) => x.integration.id === r[1].integration.id)?.integration.name).toBe("Integration 2\uFFFD\uFFFD\uFFFD[2J");
  });
});
