import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { repoRoot } from "./paths";

/** The outcome of one flow-audit run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to start flow-audit beyond its arguments. */
export interface FlowAuditOptions {
  /** Flags for node itself, e.g. ["--expose-gc", "--require", "…/gc-pressure.cjs"]. */
  nodeArgs?: string[];
  /** A file descriptor to use as stdout instead of a pipe (e.g. one opened on /dev/full). */
  stdoutFd?: number;
  /** Kill the run (SIGKILL) after this many ms: it then ends with code -1 and a note on stderr, so a regression that hangs fails instead. */
  timeoutMs?: number;
}

/** Runs the built `flow-audit` bin (dist/cli/bin.js) as a user would; never throws on exit codes. */
export function flowAudit(args: string[], env: Record<string, string | undefined> = {}, cwd = repoRoot, options: FlowAuditOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const fullEnv: NodeJS.ProcessEnv = {
      ...process.env,
      FLOW_API_URL: undefined,
      FLOW_API_TOKEN: undefined,
      FLOW_POLICY_FILE: undefined,
      NO_COLOR: undefined,
      COLUMNS: undefined,
      FLOW_SHOW_PERSONAL_DATA: undefined,
    };
    for (const [k, v] of Object.entries(env)) fullEnv[k] = v;
    for (const k of Object.keys(fullEnv)) if (fullEnv[k] === undefined) delete fullEnv[k];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(repoRoot, "dist", "cli", "bin.js"), ...args], {
      cwd,
      env: fullEnv,
      stdio: ["ignore", options.stdoutFd ?? "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    let killed = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          killed = true;
          child.kill("SIGKILL");
        }, options.timeoutMs)
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(killed ? { code: -1, stdout, stderr: `${stderr}[killed after ${options.timeoutMs} ms]` } : { code: code ?? 1, stdout, stderr });
    });
  });
}

/** flow-audit runs against a fresh simulator per test, in a temporary folder of the describe block (see auditAgainstSimulator). */
export interface SimulatedAudit {
  /** The simulator of the running test (a test may replace it; the block closes the one there at its end). */
  sim: FlowSimulator;
  /** The folder flow-audit runs in and writes to. */
  readonly dir: string;
  /** Runs flow-audit in `dir` against `sim` with the token; records what it printed. */
  run(args: string[], env?: Record<string, string | undefined>, options?: FlowAuditOptions): Promise<CliResult>;
  /** A path in `dir`. */
  file(name: string): string;
}

/**
 * Registers the hooks of a describe block whose tests run flow-audit against a simulator that
 * accepts `token`: a temporary folder for the block, a fresh simulator per test, and at the end
 * the check that none of `neverShown` appears in anything flow-audit printed or wrote (and that
 * it wrote at least `minWritten` files).
 */
export function auditAgainstSimulator(token: string, opts: { prefix: string; neverShown: string[]; minWritten?: number }): SimulatedAudit {
  let sim: FlowSimulator | undefined;
  let dir = "";
  const outputs: string[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.prefix));
  });
  beforeEach(async () => {
    sim = await startFlowSimulator({ token });
  });
  afterEach(async () => {
    await sim?.close();
  });
  afterAll(() => {
    const written = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(written.length).toBeGreaterThanOrEqual(opts.minWritten ?? 0);
    for (const secret of opts.neverShown) expect([...outputs, ...written].join("\n")).not.toContain(secret);
  });
  return {
    get sim() {
      if (!sim) throw new Error("no simulator: auditAgainstSimulator's sim is there during a test only");
      return sim;
    },
    set sim(value: FlowSimulator) {
      sim = value;
    },
    get dir() {
      return dir;
    },
    async run(args, env = {}, options = {}) {
      if (!sim) throw new Error("no simulator: run flow-audit during a test");
      const r = await flowAudit(args, { FLOW_API_URL: sim.url, FLOW_API_TOKEN: token, ...env }, dir, options);
      outputs.push(r.stdout, r.stderr);
      return r;
    },
    file: (name) => path.join(dir, name),
  };
}
