import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { inject } from "vitest";
import type { EngineInfo } from "./engine-setup";

import { repoRoot } from "./paths";

export { repoRoot };

/** The outcome of one `pulumi` invocation. */
export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The command line, for assertion messages. */
  command: string;
}

/** One resource of an exported stack, as far as the tests read it. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The parsed output of `pulumi stack export`. */
export interface StackExport {
  version: number;
  deployment: { resources: StateResource[]; [key: string]: unknown };
}

/** Options for one `pulumi` invocation. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * An isolated, offline Pulumi world for one test: a temporary file:// backend, its own
 * PULUMI_HOME, a passphrase secrets provider, no update checks, never interactive, TypeScript
 * programs transpiled without a type check, no per-step checkpoints, and the bootstrapped engine first on PATH. `dispose()` removes every stack and temporary folder.
 */
export class PulumiSandbox {
  readonly engine: EngineInfo;
  readonly root: string;
  readonly backendDir: string;
  readonly homeDir: string;
  readonly passphrase = "pulumi-flow-test-passphrase";
  private readonly workDirs: string[] = [];
  private readonly stacks: Array<{ dir: string; name: string }> = [];

  private constructor(engine: EngineInfo) {
    this.engine = engine;
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-e2e-"));
    this.backendDir = path.join(this.root, "backend");
    this.homeDir = path.join(this.root, "home");
    fs.mkdirSync(this.backendDir);
    fs.mkdirSync(this.homeDir);
  }

  /** A sandbox using the engine that the e2e global setup made available. */
  static create(): PulumiSandbox {
    return new PulumiSandbox(inject("engine"));
  }

  /** The environment every `pulumi` (and the programs it starts) runs with. */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [...this.engine.pathDirs, process.env.PATH ?? ""].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_HOME: this.homeDir,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      // TypeScript programs run transpile-only, as the shipped Pulumi.yaml runs stack/ (about 3 s
      // less CPU per program run): `npm run typecheck` checks every fixture, and the adoption
      // test type-checks the adopter's program as its users' tsc would.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      // No per-step snapshot serialization (what docs/stack.md advises for previews, and for `up`
      // of a stack of pulumi-flow's resources only): the tests about checkpoints pass
      // `PULUMI_SKIP_CHECKPOINTS: undefined` to run with the engine's default.
      PULUMI_SKIP_CHECKPOINTS: "true",
      NO_COLOR: "1",
    };
    delete env.PULUMI_ACCESS_TOKEN;
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  /**
   * Copies a Pulumi project (program or policy pack) into a fresh folder inside the
   * repository's .work/ (so it resolves the repository's node_modules) and returns its path.
   */
  copyProject(sourceDir: string): string {
    const base = path.join(repoRoot, ".work");
    fs.mkdirSync(base, { recursive: true });
    const dir = path.join(base, `${path.basename(sourceDir)}-${randomBytes(4).toString("hex")}`);
    fs.cpSync(sourceDir, dir, { recursive: true });
    this.workDirs.push(dir);
    return dir;
  }

  /** Copies the repository's root audit project (Pulumi.yaml + stack/) like copyProject(). */
  copyRootProject(): string {
    const base = path.join(repoRoot, ".work");
    fs.mkdirSync(base, { recursive: true });
    const dir = path.join(base, `root-${randomBytes(4).toString("hex")}`);
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(repoRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.cpSync(path.join(repoRoot, "stack"), path.join(dir, "stack"), { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "audit-copy", private: true, main: "stack/index.ts" }));
    this.workDirs.push(dir);
    return dir;
  }

  /**
   * A copy of the root audit project with a fresh stack whose `flow:apiUrl` / `flow:token`
   * (secret) point at the given Flow API (usually a simulator).
   */
  async auditStack(flow: { url: string; token: string }): Promise<{ dir: string; stack: string }> {
    const dir = this.copyRootProject();
    const stack = await this.initStack(dir);
    await this.expect(["config", "set", "flow:apiUrl", flow.url, "--stack", stack], 0, { cwd: dir });
    await this.expect(["config", "set", "--secret", "flow:token", flow.token, "--stack", stack], 0, { cwd: dir });
    return { dir, stack };
  }

  /** Everything any `pulumi` run of this sandbox printed, stdout and stderr (to search for leaks). */
  readonly transcript: string[] = [];

  /** Commands whose processes (language hosts, plugins) outlived `pulumi`; dispose() fails on any. */
  readonly leftovers: string[] = [];

  /**
   * Runs `pulumi <args>` non-interactively; never throws on a non-zero exit. `pulumi` runs in a
   * process group of its own, so that on a timeout the whole tree (language host, node, plugins)
   * is killed, and anything still in the group once `pulumi` has exited is recorded as left behind.
   */
  run(args: string[], opts: RunOptions = {}): Promise<PulumiResult> {
    return this.spawnInGroup(this.engine.pulumi, [...args, "--non-interactive", "--color", "never"], opts, "pulumi");
  }

  /**
   * Runs `node <script> <args>` with the sandbox's environment, like run() (its own process group,
   * killed on a timeout, leftovers recorded): for Automation API drivers, which start `pulumi` themselves.
   */
  runNode(script: string, args: string[], opts: RunOptions = {}): Promise<PulumiResult> {
    return this.spawnInGroup(process.execPath, [script, ...args], opts, "node");
  }

  private spawnInGroup(file: string, fullArgs: string[], opts: RunOptions, shown: string): Promise<PulumiResult> {
    const command = `${shown} ${fullArgs.join(" ")}`;
    return new Promise((resolve, reject) => {
      const cwd = opts.cwd ?? this.root;
      const child = spawn(file, fullArgs, {
        cwd,
        // PWD as a shell sets it: the policy pack looks for flow-policy.yaml there.
        env: this.env({ PWD: cwd, ...opts.env }),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => killGroup(child.pid), opts.timeoutMs ?? 240_000);
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        this.transcript.push(stdout, stderr);
        void settleGroup(child.pid).then((clean) => {
          if (!clean) this.leftovers.push(command);
          resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, command });
        });
      });
    });
  }

  /** Like run(), but fails the test with the full output when the exit code is not `expected`. */
  async expect(args: string[], expected = 0, opts: RunOptions = {}): Promise<PulumiResult> {
    const r = await this.run(args, opts);
    if (r.code !== expected) {
      throw new Error(`${r.command} exited ${r.code}, expected ${expected}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
    return r;
  }

  /** Creates a new stack for the project in `dir`; it is removed by dispose(). */
  async initStack(dir: string, name = `t${randomBytes(3).toString("hex")}`): Promise<string> {
    await this.expect(["stack", "init", name, "--secrets-provider", "passphrase"], 0, { cwd: dir });
    this.stacks.push({ dir, name });
    return name;
  }

  /**
   * Parsed `pulumi stack export` (secrets stay encrypted unless asked; asked, `deployment` holds
   * their plain values in place of the engine's `{ <sig>, plaintext }` objects, `raw` the export as printed).
   */
  async exportStack(dir: string, stack: string, showSecrets = false): Promise<{ raw: string; deployment: StackExport }> {
    const r = await this.expect(["stack", "export", "--stack", stack, ...(showSecrets ? ["--show-secrets"] : [])], 0, { cwd: dir });
    const parsed = JSON.parse(r.stdout) as StackExport;
    return { raw: r.stdout, deployment: showSecrets ? (unwrapSecrets(parsed) as StackExport) : parsed };
  }

  /** Parsed `pulumi stack output --json`. */
  async outputs(dir: string, stack: string): Promise<Record<string, unknown>> {
    const r = await this.expect(["stack", "output", "--json", "--stack", stack], 0, { cwd: dir });
    return JSON.parse(r.stdout);
  }

  /** Removes stacks (forgetting resources) and every temporary folder. */
  async dispose(): Promise<void> {
    for (const s of this.stacks.splice(0)) {
      await this.run(["stack", "rm", s.name, "--force", "--yes"], { cwd: s.dir });
    }
    for (const d of this.workDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(this.root, { recursive: true, force: true });
    if (this.leftovers.length > 0) throw new Error(`processes outlived pulumi (killed) after:\n${this.leftovers.join("\n")}`);
  }
}

/** The signature key of a secret in the engine's JSON (`{ "4dabf…": "1b47…", "plaintext": "<JSON text>" }`). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A value with every shown secret replaced by its plain value. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const o = value as Record<string, unknown>;
  if (SECRET_SIG in o && typeof o.plaintext === "string") return unwrapSecrets(JSON.parse(o.plaintext));
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Whether any process of the group is alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}

/**
 * Waits (up to 15 s, for plugins still shutting down on a busy machine) for every process of
 * `pulumi`'s group to exit; kills what remains. True when nothing had to be killed.
 */
async function settleGroup(pgid: number | undefined): Promise<boolean> {
  if (pgid === undefined) return true;
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!groupAlive(pgid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(pgid);
  return false;
}
