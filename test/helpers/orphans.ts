import * as fs from "node:fs";

/** The environment variable that marks every process started by one e2e run (inherited by all). */
export const RUN_MARKER = "PULUMI_FLOW_E2E_RUN";

interface Proc {
  pid: number;
  ppid: number;
  command: string;
  marked: boolean;
}

function readProc(pid: number, marker: string): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields after it follow the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, ppid, command, marked: environ.includes(`${RUN_MARKER}=${marker}`) };
  } catch {
    return undefined; // gone, or not ours to read
  }
}

/**
 * Processes carrying this run's marker that are no longer descendants of `root` (the vitest
 * process): language hosts, node programs or plugins that outlived the `pulumi` that started
 * them and were re-parented. Linux only (/proc); elsewhere nothing is found.
 */
export function orphansOf(root: number, marker: string): Array<{ pid: number; command: string }> {
  if (!fs.existsSync("/proc/self/stat")) return [];
  const procs = fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d), marker))
    .filter((p): p is Proc => p !== undefined);
  const parent = new Map(procs.map((p) => [p.pid, p.ppid]));
  const descends = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 1000; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  return procs.filter((p) => p.marked && p.pid !== process.pid && !descends(p.pid)).map(({ pid, command }) => ({ pid, command }));
}

/** Processes (other than this one) whose environment holds `name=value`: what a child started with that variable left running. */
export function processesWithEnv(name: string, value: string): Array<{ pid: number; command: string }> {
  if (!fs.existsSync("/proc/self/stat")) return [];
  const found: Array<{ pid: number; command: string }> = [];
  for (const d of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)) {
    try {
      if (!fs.readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`${name}=${value}`)) continue;
      found.push({ pid: Number(d), command: fs.readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ").trim() });
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** Waits up to `graceMs` for every process with `name=value` in its environment to exit; returns those still running. */
export async function settledProcessesWithEnv(name: string, value: string, graceMs = 15_000): Promise<Array<{ pid: number; command: string }>> {
  let found = processesWithEnv(name, value);
  for (let waited = 0; found.length > 0 && waited < graceMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    found = processesWithEnv(name, value);
  }
  return found;
}

/** Waits up to `graceMs` for orphans to exit, kills the rest, and returns what had to be killed. */
export async function reapOrphans(root: number, marker: string, graceMs = 15_000): Promise<string[]> {
  let found = orphansOf(root, marker);
  for (let waited = 0; found.length > 0 && waited < graceMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    found = orphansOf(root, marker);
  }
  for (const p of found) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  return found.map((p) => `${p.pid} ${p.command}`);
}
