import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PulumiSandbox } from "../helpers/pulumi";

const fixtures = path.join(__dirname, "fixtures");

interface OperationLine {
  stack: string;
  op: string;
  ok: boolean;
  summary?: Record<string, number>;
  total?: number;
  error?: string;
}

// fixtures/automation/run.cjs drives inline programs (readFlowIntegrations) through the Automation
// API in one process, against a simulator it starts itself, and prints one line per operation.
// A provider resource kept from one run to the next made the second operation fail with
// "unknown provider" (issue 31).
describe("the Automation API: every operation sequence in one process (real engine, inline programs)", () => {
  const sandbox = PulumiSandbox.create();
  let lines: OperationLine[] = [];
  let output = "";

  beforeAll(async () => {
    const dir = sandbox.copyProject(path.join(fixtures, "automation"));
    const r = await sandbox.runNode(path.join(dir, "run.cjs"), ["one", "two", "three", "four"], { cwd: dir, timeoutMs: 280_000 });
    output = `${r.command} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
    expect(r.code, output).toBe(0);
    lines = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as OperationLine);
  });
  afterAll(() => sandbox.dispose());

  const of = (stack: string) => lines.filter((l) => l.stack === stack).map(({ op, ok, summary, total }) => ({ op, ok, summary, total }));

  it("preview → up → preview → refresh → destroy on one stack", () => {
    // 12 integrations, their component, the stack and the provider; one deleted in Flow before refresh.
    expect(of("one"), output).toEqual([
      { op: "preview", ok: true, summary: { create: 15 }, total: undefined },
      { op: "up", ok: true, summary: { create: 15 }, total: 12 },
      { op: "preview", ok: true, summary: { same: 15 }, total: undefined },
      { op: "removeOne", ok: true, summary: undefined, total: undefined },
      { op: "refresh", ok: true, summary: { delete: 1, same: 14 }, total: undefined },
      { op: "destroy", ok: true, summary: { delete: 14 }, total: undefined },
    ]);
  });

  it("a second stack after it (chunks)", () => {
    expect(of("two"), output).toEqual([
      { op: "preview", ok: true, summary: { create: 6 }, total: undefined },
      { op: "up", ok: true, summary: { create: 6 }, total: 11 },
      { op: "destroy", ok: true, summary: { delete: 6 }, total: undefined },
    ]);
  });

  it("two stacks at once", () => {
    expect(of("three"), output).toEqual([
      { op: "preview", ok: true, summary: { create: 14 }, total: undefined },
      { op: "up", ok: true, summary: { create: 14 }, total: 11 },
      { op: "preview", ok: true, summary: { same: 14 }, total: undefined },
      { op: "destroy", ok: true, summary: { delete: 14 }, total: undefined },
    ]);
    expect(of("four"), output).toEqual([
      { op: "up", ok: true, summary: { create: 5 }, total: 11 },
      { op: "preview", ok: true, summary: { same: 5 }, total: undefined },
      { op: "destroy", ok: true, summary: { delete: 5 }, total: undefined },
    ]);
  });

  it("never prints the token", () => {
    expect(output).not.toContain("automation-flow-token-5d0e2c");
  });
});
