import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { PulumiSandbox, repoRoot } from "../helpers/pulumi";

// A hostile Flow against `pulumi preview` and `up` with the real engine (the flow-audit bin's
// share is test/integration/cli/hostile.test.ts). No test reads a clock: each fault never ends on
// its own, so the message and the requests the simulator served show which deadline ended the
// run; a hang fails the test at its timeout. Every run ends, fails closed, and leaks nothing.
const TOKEN = "q7e2tok-3f9a6c21-hostile-e2e";

describe("pulumi preview against a hostile Flow (real engine)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;

  // The token comes from the environment here: the stack-config path is issue-tracked on its own.
  const env = { FLOW_API_TOKEN: TOKEN };

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    dir = sandbox.copyRootProject();
    stack = await sandbox.initStack(dir);
    await sandbox.expect(["config", "set", "flow:apiUrl", sim.url, "--stack", stack], 0, { cwd: dir });
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });

  it("ends a preview with one hung connection-status call after its attempts' deadlines, naming it", async () => {
    sim.addFault({ route: "status", integrationId: 106, action: { type: "hang" } });
    sim.resetLog();
    try {
      const r = await sandbox.run(["preview", "--stack", stack], { cwd: dir, env: { ...env, FLOW_API_TIMEOUT_MS: "1000", FLOW_API_MAX_ATTEMPTS: "2" } });
      const out = r.stdout + r.stderr;
      expect(r.code, out).not.toBe(0);
      expect(out).toContain("Flow API getConnectionStatus (integration 106): no complete response within 1000 ms (headers and body) (after 2 attempts)");
      // Two attempts, each ended by its 1000 ms deadline (the server never answers).
      expect(sim.requests.filter((q) => q.route === "status" && q.integrationId === 106)).toHaveLength(2);
    } finally {
      sim.clearFaults();
    }
  });

  it("keeps an echoed token out of state, history and -v=9 engine logs", async () => {
    sim.addFault({ route: "status", action: { type: "echo-auth", field: "message" } });
    sim.addFault({ route: "list", action: { type: "echo-auth", field: "username" } });
    try {
      const up = await sandbox.run(["up", "--yes", "--skip-preview", "-v=9", "--logtostderr", "--logflow", "--stack", stack], { cwd: dir, env });
      expect(up.code, up.stderr.slice(-2000)).toBe(0);
      expect(up.stdout + up.stderr).not.toContain(TOKEN.slice(0, 8));
      const { raw } = await sandbox.exportStack(dir, stack, true);
      expect(raw).toContain("Bearer [redacted]");
      expect(raw).not.toContain(TOKEN.slice(0, 8));
      const history = fs
        .readdirSync(sandbox.backendDir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".json"));
      for (const f of history) expect(fs.readFileSync(path.join(sandbox.backendDir, f), "utf8")).not.toContain(TOKEN.slice(0, 8));
    } finally {
      sim.clearFaults();
    }
  });
});

describe("pulumi preview and up against a Flow that echoes the token JSON-escaped, contradicts itself, or stalls (real engine; issue 27)", () => {
  // A token as Flow's keys look: `/` and `+` are in its alphabet, and JSON encoders may write `/` as `\/`.
  const ESCAPED_TOKEN = "e2e/Tok+9xQ7/hostile+Vb3";
  const sandbox = PulumiSandbox.create();
  const PACK = path.join(repoRoot, "policies");
  let sim: FlowSimulator;
  let dir: string;
  let stack: string;

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: ESCAPED_TOKEN });
    ({ dir, stack } = await sandbox.auditStack(sim));
  });
  afterAll(async () => {
    await sandbox.dispose();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it("keeps the escaped token out of preview output, violation messages, outputs, state and history", async () => {
    sim.addFault({ route: "list", action: { type: "echo-auth", field: "name", encoding: "slash" } });
    sim.addFault({ route: "status", integrationId: 105, action: { type: "echo-auth", field: "message", encoding: "unicode-first" } });
    const preview = await sandbox.run(["preview", "--policy-pack", PACK, "--stack", stack], { cwd: dir });
    expect(preview.code, preview.stderr.slice(-2000)).toBe(1);
    expect(preview.stdout).toContain("Bearer [redacted]");
    const up = await sandbox.run(["up", "--yes", "--skip-preview", "--stack", stack], { cwd: dir });
    expect(up.code, up.stderr.slice(-2000)).toBe(0);
    const { raw } = await sandbox.exportStack(dir, stack, true);
    expect(raw).toContain("Bearer [redacted]");
    const secretless = ESCAPED_TOKEN.slice(0, 8);
    for (const text of [preview.stdout, preview.stderr, up.stdout, up.stderr, raw]) expect(text).not.toContain(secretless);
    const files = fs
      .readdirSync(sandbox.backendDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(path.join(sandbox.backendDir, f), "utf8")).not.toContain(secretless);
  });

  it("fails the gate on a connection status that contradicts itself", async () => {
    sim.setConnectionStatus(101, { status: "connected", connected: false, message: "token revoked" });
    try {
      const r = await sandbox.run(["preview", "--policy-pack", PACK, "--stack", stack], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /flow-integration-connected[\s\S]*returned a connection status that contradicts itself: status 'connected' counts as healthy but connected is false/,
      );
    } finally {
      sim.setConnectionStatus(101, { status: "connected", connected: true, message: null });
    }
  });

  it("ends a preview at FLOW_API_DEADLINE_MS although Flow asks for 30 s Retry-After waits", async () => {
    sim.addFault({ route: "status", action: { type: "status", status: 503, retryAfter: "30" } });
    sim.resetLog();
    const r = await sandbox.run(["preview", "--stack", stack], { cwd: dir, env: { FLOW_API_DEADLINE_MS: "3000" } });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("the run's deadline of 3 s passed before Flow finished answering");
    // No status was asked twice: the deadline ended the first waits, and no retry followed them.
    // (That no wait's timer outlives the deadline is test/unit/api/hostile.test.ts's, counted.)
    const asked = sim.requests.filter((q) => q.route === "status").map((q) => q.integrationId);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked).size).toBe(asked.length);
  });
});
