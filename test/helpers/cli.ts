import { spawn } from "node:child_process";
import * as path from "node:path";
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
