import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { startFlowSimulator } from "../../../src/simulator/server";
import { auditAgainstSimulator, flowAudit } from "../../helpers/cli";

// A hostile Flow against the flow-audit bin (also under forced garbage collection); the same
// against `pulumi preview` with the real engine is test/e2e/hostile.test.ts. No test reads a
// clock: each fault never ends on its own (a hung server, a body trickled for minutes), so the
// exit code, the message and the requests the simulator served show which deadline ended the
// run; a hang fails the test at its timeout. Every run ends, fails closed, and leaks nothing.
const TOKEN = "q7e2tok-3f9a6c21-hostile-e2e";
// Characters that must never reach a terminal or a rendered report (escape, bell, CR, bidi override, zero-width space).
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const UNSAFE_OUTPUT = /[\u001b\u0007\r\u202e\u200b]/;
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const UNSAFE_MARKDOWN = /[\u001b\u202e]/;
const gcPressure = ["--expose-gc", "--require", path.join(__dirname, "..", "..", "helpers", "gc-pressure.cjs")];

describe("flow-audit against a hostile Flow", () => {
  const audit = auditAgainstSimulator(TOKEN, { prefix: "flow-hostile-", neverShown: [TOKEN, TOKEN.slice(0, 8)] });
  const { run, file } = audit;

  describe.each([
    ["", [] as string[]],
    [" (forced garbage collection)", gcPressure],
  ])("time%s", (_label, nodeArgs) => {
    it("ends a trickled body, no headers, and one hung status call with exit 3 and a clear error", async () => {
      const env = { FLOW_API_TIMEOUT_MS: "700", FLOW_API_MAX_ATTEMPTS: "2" };
      audit.sim.addFault({ route: "list", times: 2, action: { type: "trickle", intervalMs: 100 } });
      const requests = (route: string, id?: number) =>
        audit.sim.requests.filter((r) => r.route === route && (id === undefined || r.integrationId === id)).length;
      const trickled = await run(["--quiet"], env, { nodeArgs });
      expect(trickled.code, trickled.stderr).toBe(3);
      expect(trickled.stderr).toContain("Flow API listIntegrations: no complete response within 700 ms (headers and body) (after 2 attempts)");
      expect(requests("list")).toBe(2);

      audit.sim.clearFaults();
      audit.sim.addFault({ route: "list", action: { type: "hang" } });
      audit.sim.resetLog();
      const silent = await run(["--quiet"], env, { nodeArgs });
      expect(silent.code).toBe(3);
      expect(silent.stderr).toContain("no complete response within 700 ms");
      expect(requests("list")).toBe(2);

      audit.sim.clearFaults();
      audit.sim.addFault({ route: "status", integrationId: 107, action: { type: "hang" } });
      audit.sim.resetLog();
      const hung = await run(["--quiet"], env, { nodeArgs });
      expect(hung.code).toBe(3);
      expect(hung.stderr).toContain("Flow API getConnectionStatus (integration 107): no complete response within 700 ms");
      expect(requests("status", 107)).toBe(2);
    });

    it("stops at --deadline, naming what was still pending", async () => {
      audit.sim.addFault({ route: "status", integrationId: 104, action: { type: "hang" } });
      // Its one attempt may take 120 s: only the run's deadline ends it.
      const r = await run(["--quiet", "--deadline", "2", "--timeout-ms", "120000"], {}, { nodeArgs });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(
        "the run's deadline of 2 s passed before Flow finished answering, so the read is incomplete — still pending: getConnectionStatus (integration 104)",
      );
      expect(audit.sim.requests.filter((q) => q.route === "status" && q.integrationId === 104)).toHaveLength(1);
    });
  });

  it("reads a listing that changed between pages again, and never reports an incomplete one", async () => {
    await audit.sim.close();
    audit.sim = await startFlowSimulator({ token: TOKEN, maxPageSize: 5 });
    audit.sim.addFault({ route: "list", times: 1, action: { type: "after", run: () => audit.sim.removeIntegration(103) } });
    const r = await run(["--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.integrations).toBe(11);
    audit.sim.addFault({ route: "list", action: { type: "count", value: 30 } });
    const lying = await run(["--format", "json"]);
    expect(lying.code).toBe(3);
    expect(lying.stdout).toBe("");
    expect(lying.stderr).toContain("the list of integrations changed (or contradicted itself) while it was read, 3 times in a row");
  });

  it("refuses a redirect to another origin, with exit 3", async () => {
    const other = await startFlowSimulator({ token: TOKEN });
    try {
      audit.sim.addFault({ route: "list", action: { type: "redirect", status: 308, location: `${other.url}/integrations` } });
      const r = await run([]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("redirecting to another origin");
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("leaks no part of an echoed token into any report format, snapshot or message", async () => {
    audit.sim.addFault({ route: "status", action: { type: "echo-auth", field: "message" } });
    audit.sim.addFault({ route: "list", action: { type: "echo-auth", field: "name" } });
    audit.sim.setConnectionStatus(105, { status: "disconnected", connected: false, message: "x" });
    const formats = ["json", "sarif", "junit", "markdown", "table"];
    const r = await run([
      "--show-personal-data",
      "--snapshot-out",
      file("echo-snap.json"),
      ...formats.flatMap((f) => ["--output", `${f}=${file(`echo.${f}`)}`]),
    ]);
    expect(r.code).toBe(1);
    const all = [r.stdout, r.stderr, ...formats.map((f) => fs.readFileSync(file(`echo.${f}`), "utf8")), fs.readFileSync(file("echo-snap.json"), "utf8")].join(
      "\n",
    );
    expect(all).toContain("Bearer [redacted]");
    expect(all).not.toContain(TOKEN.slice(0, 8));

    audit.sim.clearFaults();
    audit.sim.addFault({ route: "list", action: { type: "status", status: 400, detail: `bad ${"x".repeat(150)} Bearer ${TOKEN}` } });
    const rejected = await run([]);
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).not.toContain(TOKEN.slice(0, 8));
  });

  it("keeps a token echoed with JSON escapes out of every report, the snapshot and the history (issue 27, item 1)", async () => {
    audit.sim.addFault({ route: "list", action: { type: "echo-auth", field: "name", encoding: "unicode-first" } });
    audit.sim.addFault({ route: "status", integrationId: 105, action: { type: "echo-auth", field: "message", encoding: "split" } });
    audit.sim.addFault({ route: "status", integrationId: 106, action: { type: "echo-auth", field: "detail", encoding: "unicode-all" } });
    const history = fs.mkdtempSync(path.join(os.tmpdir(), "flow-hostile-history-"));
    try {
      const formats = ["json", "sarif", "junit", "markdown", "html", "table"];
      const r = await run([
        "--show-personal-data",
        "--snapshot-out",
        file("escaped-snap.json"),
        "--history-dir",
        history,
        ...formats.flatMap((f) => ["--output", `${f}=${file(`escaped.${f}`)}`]),
      ]);
      expect(r.code, r.stderr).toBe(1);
      const saved = fs.readdirSync(history).map((f) => fs.readFileSync(path.join(history, f), "utf8"));
      expect(saved).toHaveLength(1);
      const all = [
        r.stdout,
        r.stderr,
        ...formats.map((f) => fs.readFileSync(file(`escaped.${f}`), "utf8")),
        fs.readFileSync(file("escaped-snap.json"), "utf8"),
        ...saved,
      ];
      for (const text of all) expect(text).not.toContain(TOKEN.slice(0, 8));
      const snap = JSON.parse(fs.readFileSync(file("escaped-snap.json"), "utf8"));
      expect(snap.records[1].integration.name).toBe("Bearer [redacted]");
    } finally {
      fs.rmSync(history, { recursive: true, force: true });
    }
  });

  it("fails closed (exit 3) on a connection status that contradicts itself, naming both fields (issue 27, item 2)", async () => {
    audit.sim.setConnectionStatus(101, { status: "connected", connected: false, message: "token revoked" });
    const r = await run(["--format", "json"]);
    expect(r.code, r.stderr).toBe(3);
    const finding = JSON.parse(r.stdout).findings.find(
      (f: { ruleId: string; integration?: { id: number } }) => f.ruleId === "flow-integration-connected" && f.integration?.id === 101,
    );
    expect(finding).toMatchObject({ status: "error", evidence: { "connection_status.status": "connected", "connection_status.connected": false } });
    expect(finding.message).toContain("contradicts itself: status 'connected' counts as healthy but connected is false (message: token revoked)");
    expect(r.stderr).toContain("Flow sent unusable data for integration 101");
  });

  it("exits at --timeout (the old name of --deadline) even when Flow asks for 30 s Retry-After waits (issue 27, item 3)", async () => {
    audit.sim.addFault({ route: "status", action: { type: "status", status: 503, retryAfter: "30" } });
    // Before, the process stayed until the 30 s wait's timer fired. A process still there when
    // that wait could end is killed (exit code -1), so only exiting at the deadline passes.
    const r = await run(["--quiet", "--timeout", "2"], {}, { timeoutMs: 28_000 });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("the run's deadline of 2 s passed before Flow finished answering");
    // No status was asked twice: the run ended during the first waits, and no retry followed them.
    const asked = audit.sim.requests.filter((q) => q.route === "status").map((q) => q.integrationId);
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked).size).toBe(asked.length);
  });

  it("keeps terminal escapes, bidi tricks and Markdown out of the table and the Markdown report", async () => {
    const hostile =
      "\u001b[2J\u001b]0;owned\u0007\rPASS: all good \u202eevil\u200b <img src=x onerror=alert(1)> ## ✅ passed [click](https://evil.example/t.gif)";
    audit.sim.updateIntegration(102, { name: hostile });
    const r = await run(["--output", `markdown=${file("hostile.md")}`], { FORCE_COLOR: "0" });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(UNSAFE_OUTPUT);
    expect(r.stdout).toContain("\uFFFD[2J");
    const md = fs.readFileSync(file("hostile.md"), "utf8");
    expect(md).not.toMatch(/<img|\n## ✅ passed|\]\(https:\/\/evil/);
    expect(md).not.toMatch(UNSAFE_MARKDOWN);
    expect(md).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(md).toContain("\\[click\\](https:\u200c//evil.example/t.gif)");
  });

  it("replaces every invisible character in names, in the table, Markdown, HTML and JSON (issue 27, item 8)", async () => {
    // "Integration 2" + format characters (Cf) and fillers: it must not pass for another integration's name.
    const invisible = [
      "\u061c",
      "\u2060",
      "\u2062",
      "\u2064",
      "\u206a",
      "\u206f",
      "\u00ad",
      "\u180e",
      "\u3164",
      "\u115f",
      "\u1160",
      "\u034f",
      "\ufff9",
      "\ufffb",
    ];
    audit.sim.updateIntegration(102, { name: `Integration 2${invisible.join("")}` });
    const r = await run(
      ["--output", `markdown=${file("invisible.md")}`, "--output", `html=${file("invisible.html")}`, "--output", `json=${file("invisible.json")}`],
      {
        FORCE_COLOR: "0",
      },
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(fs.readFileSync(file("invisible.json"), "utf8"));
    expect(json.findings.find((f: { integration?: { id: number } }) => f.integration?.id === 102).integration.name).toBe(
      `Integration 2${"\uFFFD".repeat(invisible.length)}`,
    );
    for (const text of [r.stdout, fs.readFileSync(file("invisible.md"), "utf8"), fs.readFileSync(file("invisible.html"), "utf8")]) {
      for (const c of invisible) expect(text.includes(c), `U+${c.charCodeAt(0).toString(16)}`).toBe(false);
    }
  });

  it("exits 3, not 2, for a negative or absurd id from the server", async () => {
    for (const value of [-7, 1e300]) {
      audit.sim.clearFaults();
      audit.sim.addFault({ route: "list", action: { type: "invalid-record", field: "id", value } });
      const r = await run([]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain("has no usable id (a positive integer)");
    }
  });

  it("exits 2 (not 1 or 0) when the report cannot be written to stdout", async () => {
    const full = fs.openSync("/dev/full", "w");
    try {
      const r = await flowAudit(["--id", "101", "--format", "json"], { FLOW_API_URL: audit.sim.url, FLOW_API_TOKEN: TOKEN }, audit.dir, { stdoutFd: full });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain("cannot write the report to stdout (ENOSPC)");
    } finally {
      fs.closeSync(full);
    }
  });

  it("refuses to replay a snapshot whose records were changed after it was written", async () => {
    await run(["--quiet", "--snapshot-out", file("snap.json")]);
    const snap = JSON.parse(fs.readFileSync(file("snap.json"), "utf8"));
    expect(snap).toMatchObject({ version: 2, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    snap.records[1].integration.webhooks_enabled = true;
    fs.writeFileSync(file("tampered.json"), JSON.stringify(snap));
    const r = await run(["--from-snapshot", file("tampered.json")], { FLOW_API_TOKEN: "" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("its records do not match its digest: the snapshot was changed after flow-audit wrote it");
    snap.records.splice(1, 1);
    fs.writeFileSync(file("tampered.json"), JSON.stringify(snap));
    expect((await run(["--from-snapshot", file("tampered.json")], { FLOW_API_TOKEN: "" })).code).toBe(2);
  });

  it("refuses an oversized policy file and an alias bomb with file:line:column", async () => {
    fs.writeFileSync(file("big.yaml"), `# ${"x".repeat(2 * 1024 * 1024)}\n`);
    const big = await run(["--policy-file", file("big.yaml")]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain(`${file("big.yaml")}:1:1: the policy file is larger than 1048576 bytes`);
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(", ")}]`,
      ),
    ].join("\n");
    fs.writeFileSync(file("bomb.yaml"), `${bomb}\n`);
    const r = await run(["--policy-file", file("bomb.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file("bomb.yaml").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:\\d+: the YAML expands too many aliases`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
