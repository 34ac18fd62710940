// Shared helpers of the benchmarks: child processes, a /proc sampler for process trees,
// and Markdown tables.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

let cpuRuns = 0;
let treeCpuBin;

/**
 * bench/treecpu (a child subreaper that waits for every process a command starts, those in
 * other process groups and those their parents left included, and sums their CPU), built with
 * Go once per run into node_modules/.cache. GNU time counts only the processes the command's
 * own tree waited for: it missed the policy pack's process in some runs.
 */
export function treeCpu() {
  if (treeCpuBin) return treeCpuBin;
  const here = path.dirname(new URL(import.meta.url).pathname);
  const out = path.join(here, "..", "node_modules", ".cache", "pulumi-flow-bench", "treecpu");
  try {
    execFileSync("go", ["build", "-o", out, "."], { cwd: path.join(here, "treecpu"), stdio: ["ignore", "inherit", "inherit"] });
  } catch (e) {
    throw new Error(`bench/treecpu could not be built with Go (it measures the CPU of every process a command starts): ${e.message}`, { cause: e });
  }
  return (treeCpuBin = out);
}

/** User + system ms from treecpu's line (`user_ms system_ms max_rss_kb processes`); the file is removed. */
function readCpuMs(file) {
  try {
    const [user, sys] = fs.readFileSync(file, "utf8").trim().split(" ").map(Number);
    return Number.isFinite(user) && Number.isFinite(sys) ? user + sys : undefined;
  } catch {
    return undefined;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Runs a command; resolves with code, stdout, stderr, wall time, (with `sample`) peak RSS and
 * sampled own CPU per process class, and (with `cpu`) the CPU time of the whole process tree in
 * ms (user + system of the command and every process it started, whatever its process group,
 * through treecpu).
 */
export function run(cmd, args, { env = process.env, cwd, sample = false, stdoutFile, cpu = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const out = stdoutFile ? fs.openSync(stdoutFile, "w") : "pipe";
    const cpuFile = cpu ? path.join(os.tmpdir(), `bench-cpu-${process.pid}-${cpuRuns++}.txt`) : undefined;
    const [file, argv] = cpuFile ? [treeCpu(), ["-o", cpuFile, "--", cmd, ...args]] : [cmd, args];
    const child = spawn(file, argv, { env, cwd, stdio: ["ignore", out, "pipe"] });
    if (stdoutFile) fs.closeSync(out);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const peaks = {};
    let peakTotal = 0;
    // Each process's own CPU (user + system, without its children's) as last seen, by pid.
    const cpuSeen = new Map();
    const timer = sample
      ? setInterval(() => {
          const byClass = {};
          let total = 0;
          for (const pid of descendants(child.pid)) {
            const kb = rssKb(pid);
            if (!kb) continue;
            const c = classify(pid);
            byClass[c] = (byClass[c] ?? 0) + kb;
            total += kb;
            const ms = ownCpuMs(pid);
            if (ms !== undefined) cpuSeen.set(pid, { c, ms: Math.max(ms, cpuSeen.get(pid)?.ms ?? 0) });
          }
          for (const [c, kb] of Object.entries(byClass)) peaks[c] = Math.max(peaks[c] ?? 0, kb);
          peakTotal = Math.max(peakTotal, total);
        }, 50)
      : undefined;
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearInterval(timer);
      const wallMs = performance.now() - started;
      const m = /__bench_max_rss_kb__=(\d+)/.exec(stderr);
      // CPU: the whole process tree through treecpu when asked for, else what max-rss.cjs reported for the process itself.
      const c = /__bench_cpu_ms__=(\d+)/.exec(stderr);
      const cpuMs = cpuFile ? readCpuMs(cpuFile) : c ? Number(c[1]) : undefined;
      const cpuByProcessMs = {};
      for (const { c, ms } of cpuSeen.values()) cpuByProcessMs[c] = (cpuByProcessMs[c] ?? 0) + ms;
      resolve({ code, stdout, stderr, wallMs, cpuMs, cpuByProcessMs, peaksKb: peaks, peakTotalKb: peakTotal, maxRssKb: m ? Number(m[1]) : undefined });
    });
  });
}

/** The pids of a process and all its descendants (Linux /proc). */
export function descendants(root) {
  const children = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const out = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

let ticksPerSecond;

/**
 * A process's own CPU so far (user + system, not its children's; /proc/PID/stat fields 14 and
 * 15), in ms; undefined once it is gone. Sampled, so each process's last sampling interval is
 * not counted: per-process figures are for telling processes apart, treecpu's total is exact.
 */
function ownCpuMs(pid) {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** engine (the Go CLI), language host, or which Node process (program, policy pack, provider). */
function classify(pid) {
  let argv;
  try {
    argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return "other";
  }
  const exe = path.basename(argv[0] ?? "");
  const all = argv.join(" ");
  if (exe === "pulumi") return "engine (pulumi)";
  if (exe.startsWith("pulumi-language")) return "language host";
  if (exe === "node" || exe.endsWith("/node") || /node$/.test(exe)) {
    if (all.includes("run-policy-pack")) return "policy pack (node)";
    if (all.includes("dynamic-provider")) return "provider (node)";
    return "program (node)";
  }
  return exe.startsWith("pulumi") ? "engine (pulumi)" : "other";
}

/** Parses the last JSON line a benchmark child printed. */
export function lastJson(stdout) {
  const line = stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .pop();
  if (!line) throw new Error(`no JSON result in:\n${stdout.slice(-2000)}`);
  return JSON.parse(line);
}

/** A Markdown table. */
export function table(header, rows) {
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export const mb = (kb) => (kb === undefined ? "n/a" : `${Math.round(kb / 1024)} MB`);
export const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
export const ratio = (x) => `${x.toFixed(2)}×`;

/** The minimum and the median of some numbers (undefined entries ignored). */
export function minMedian(xs) {
  const v = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (v.length === 0) return { min: undefined, median: undefined };
  const mid = Math.floor(v.length / 2);
  return { min: v[0], median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2 };
}
