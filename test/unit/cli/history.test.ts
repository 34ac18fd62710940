import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InventoryRecord } from "../../../src/api/types";
import { UsageError } from "../../../src/cli/args";
import {
  buildHistory,
  HISTORY_LIMIT,
  historyFileName,
  historyKey,
  historyPoint,
  prepareHistoryDir,
  saveHistorySnapshot,
  sortHistoryNames,
  type HistoryEvaluation,
} from "../../../src/cli/history";
import { makeSnapshot, writeSnapshot } from "../../../src/cli/snapshot";
import { evaluateInventory } from "../../../src/rules/evaluate";
import { demoDataset } from "../../../src/simulator/datasets";

const NOW = new Date("2026-11-30T08:15:00.123Z");
const evaluation: HistoryEvaluation = { prepare: (r) => r, evaluate: (r, at) => evaluateInventory(r, { now: at }) };

describe("history file names", () => {
  it("are UTC times to the second, sortable, with a suffix for a taken name", () => {
    expect(historyFileName(NOW)).toBe("flow-audit-20261130T081500Z.json");
    expect(historyFileName(NOW, 2)).toBe("flow-audit-20261130T081500Z-2.json");
    expect(historyKey("flow-audit-20261130T081500Z-12.json")).toEqual({ stamp: "20261130T081500Z", n: 12 });
    expect(historyKey("flow-audit-latest.json")).toBeUndefined();
    expect(historyKey("flow-audit-20261130T081500Z.json.bak")).toBeUndefined();
  });

  it("sort by time, then by suffix (2 before 10), and set other files apart", () => {
    const names = [
      "flow-audit-20261130T081500Z-10.json",
      "notes.txt",
      "flow-audit-20261130T081500Z-2.json",
      "flow-audit-20261201T000000Z.json",
      "flow-audit-20261130T081500Z.json",
      "flow-audit-20251130T081500Z.json",
    ];
    expect(sortHistoryNames(names)).toEqual({
      history: [
        "flow-audit-20251130T081500Z.json",
        "flow-audit-20261130T081500Z.json",
        "flow-audit-20261130T081500Z-2.json",
        "flow-audit-20261130T081500Z-10.json",
        "flow-audit-20261201T000000Z.json",
      ],
      foreign: ["notes.txt"],
    });
  });
});

describe("a history point", () => {
  it("counts open findings by rule and severity (not ok, not suppressed)", () => {
    const findings = evaluateInventory(demoDataset(NOW.getTime()), { now: NOW });
    const p = historyPoint(NOW.toISOString(), "f.json", 12, findings);
    const open = findings.filter((f) => f.status === "violation" || f.status === "error");
    expect(p.open).toBe(open.length);
    expect(Object.values(p.byRule).reduce((a, b) => a + b, 0)).toBe(open.length);
    expect(Object.values(p.bySeverity).reduce((a, b) => a + b, 0)).toBe(open.length);
    expect(p.byRule["flow-integration-webhooks-enabled"]).toBe(open.filter((f) => f.ruleId === "flow-integration-webhooks-enabled").length);
  });
});

describe("the history directory", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-history-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const snapshotAt = (at: Date, records: InventoryRecord[] = demoDataset(at.getTime())) => makeSnapshot(records, "http://127.0.0.1/v3/customer/core", true, at);

  it("is created when missing; a file in its place is a usage error", () => {
    expect(prepareHistoryDir("new/deeper", dir)).toBe(path.join(dir, "new", "deeper"));
    expect(fs.statSync(path.join(dir, "new", "deeper")).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(dir, "file"), "");
    expect(() => prepareHistoryDir("file", dir)).toThrow(UsageError);
    expect(() => prepareHistoryDir("file", dir)).toThrow("--history-dir file: is not a directory");
  });

  it("never overwrites a snapshot: two runs in the same second get two files", () => {
    const a = saveHistorySnapshot(dir, "h", snapshotAt(NOW));
    const b = saveHistorySnapshot(dir, "h", snapshotAt(NOW));
    expect([a, b]).toEqual(["flow-audit-20261130T081500Z.json", "flow-audit-20261130T081500Z-2.json"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, b), "utf8")).kind).toBe("pulumi-flow/inventory-snapshot");
  });

  it("charts earlier runs evaluated at their own time, skips unreadable and foreign files with a warning, and diffs the previous run", () => {
    const day = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
    saveHistorySnapshot(dir, "h", snapshotAt(day(2)));
    // The previous run had one integration fewer.
    saveHistorySnapshot(
      dir,
      "h",
      snapshotAt(
        day(1),
        demoDataset(day(1).getTime()).filter((r) => r.integration.id !== 101),
      ),
    );
    fs.writeFileSync(path.join(dir, "flow-audit-20261129T120000Z-2.json"), "{ not json");
    fs.writeFileSync(path.join(dir, "README.txt"), "mine");
    const records = demoDataset(NOW.getTime());
    const current = saveHistorySnapshot(dir, "h", snapshotAt(NOW, records));
    const warnings: string[] = [];
    const view = buildHistory({
      abs: dir,
      dir: "h",
      current,
      currentRecords: records,
      currentFindings: evaluateInventory(records, { now: NOW }),
      now: NOW,
      evaluation,
      warn: (m) => warnings.push(m),
    });
    expect(view.points.map((p) => p.at)).toEqual([day(2).toISOString(), day(1).toISOString(), NOW.toISOString()]);
    expect(view.points.map((p) => p.integrations)).toEqual([12, 11, 12]);
    expect(view.total).toBe(4);
    expect(view.skipped.map((s) => s.file).sort()).toEqual(["README.txt", "flow-audit-20261129T120000Z-2.json"]);
    expect(warnings.join("\n")).toContain("--history-dir h: skipped flow-audit-20261129T120000Z-2.json: not valid JSON");
    expect(warnings.join("\n")).toContain("--history-dir h: skipped README.txt: not a flow-audit history file");
    expect(view.previous?.file).toBe(historyFileName(day(1)));
    expect(view.previous?.added.map((i) => i.id)).toEqual([101]);
  });

  it(`charts at most the newest ${HISTORY_LIMIT} runs, this one included, and says how many there are`, () => {
    const empty = (i: number) => makeSnapshot([], "x", true, new Date(Date.UTC(2026, 0, 1) + i * 60_000));
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) writeSnapshot(path.join(dir, historyFileName(new Date(Date.UTC(2026, 0, 1) + i * 60_000))), empty(i));
    const current = saveHistorySnapshot(dir, "h", empty(HISTORY_LIMIT + 10));
    const view = buildHistory({ abs: dir, dir: "h", current, currentRecords: [], currentFindings: [], now: NOW, evaluation, warn: () => undefined });
    expect(view.points).toHaveLength(HISTORY_LIMIT);
    expect(view.total).toBe(HISTORY_LIMIT + 6);
    expect(view.points[0].file).toBe(historyFileName(new Date(Date.UTC(2026, 0, 1) + 6 * 60_000)));
  });
});
