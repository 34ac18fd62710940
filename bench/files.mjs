// Benchmark of reading the files flow-audit accepts at their sizes (issue 27, item 9): a
// baseline of 150,000 entries (15.6 MB, under the 16 MiB cap), a history snapshot of 61,000
// records (204 MB, under the 256 MiB cap), and a policy file near its 1 MiB cap (6,258
// exceptions), read alone and by flow-audit (the history with that policy too). Each figure is
// one child process (wall time, CPU time, peak RSS), the median of --reps runs (default 3).
// Not part of `npm run bench` or the tests (nothing fails on slowness); run after `npm run build`:
//
//   node bench/files.mjs [--entries 150000] [--records 61000] [--reps 3] [--keep DIR]
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { run, mb, secs, table } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");
const require = createRequire(import.meta.url);
const { formatBaseline } = require(path.join(dist, "config", "baseline-file.js"));
const { makeSnapshot, writeSnapshot } = require(path.join(dist, "cli", "snapshot.js"));
const { generatedDataset } = require(path.join(dist, "simulator", "datasets.js"));
const rssHook = path.join(here, "max-rss.cjs");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const entries = Number(arg("entries", 150_000));
const records = Number(arg("records", 61_000));
const reps = Number(arg("reps", 3));
const keep = arg("keep", undefined);
const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "bench-files-"));
fs.mkdirSync(dir, { recursive: true });

/** The files: written once (kept with --keep DIR, so that another build can be measured on the same bytes). */
function files() {
  const f = {
    baseline: path.join(dir, "baseline.json"),
    snapshot: path.join(dir, "history", "flow-audit-20200101T000000Z.json"),
    today: path.join(dir, "today.json"),
    // Not in `dir` itself: flow-audit would find it there (runs start in `dir`) and apply it to every run.
    policy: path.join(dir, "policy", "flow-policy.yaml"),
  };
  const now = Date.parse("2026-12-01T00:00:00Z");
  const recordsOf = (n) => generatedDataset(n, 42, now).map((s) => ({ integration: s.integration, connectionStatus: s.connectionStatus }));
  if (!fs.existsSync(f.baseline)) {
    const list = Array.from({ length: entries }, (_, i) => ({
      rule: "flow-integration-webhooks-enabled",
      integration: 100_000 + i,
      fingerprint: i.toString(16).padStart(16, "0"),
    }));
    fs.writeFileSync(f.baseline, formatBaseline({ createdAt: "2026-12-01T00:00:00.000Z", expires: "2099-12-31", entries: list }));
  }
  if (!fs.existsSync(f.snapshot)) {
    fs.mkdirSync(path.dirname(f.snapshot), { recursive: true });
    writeSnapshot(f.snapshot, makeSnapshot(recordsOf(records), "http://127.0.0.1/v3/customer/core", true, new Date(now - 86_400_000)));
  }
  if (!fs.existsSync(f.today)) writeSnapshot(f.today, makeSnapshot(recordsOf(1000), "http://127.0.0.1/v3/customer/core", true, new Date(now)));
  if (!fs.existsSync(f.policy)) {
    fs.mkdirSync(path.dirname(f.policy), { recursive: true });
    const exception = (i) =>
      `  - rule: flow-integration-webhooks-enabled\n    integrations: [${i}]\n    reason: accepted while the vendor fixes its webhooks (ticket ${i})\n    expires: 2099-12-31\n`;
    let text = "version: 1\nexceptions:\n";
    for (let i = 0; text.length < 1000 * 1024; i++) text += exception(i);
    fs.writeFileSync(f.policy, text);
  }
  return f;
}

/** One measurement in a child process: a reader alone (node -e) or flow-audit end to end. */
async function measure(label, args, before = () => {}) {
  const runs = [];
  for (let i = 0; i < reps; i++) {
    before();
    const r = await run(process.execPath, ["--require", rssHook, ...args], { cwd: dir });
    const m = /__bench_max_rss_kb__=(\d+) __bench_cpu_ms__=(\d+)/.exec(r.stderr);
    if (!m) throw new Error(`${label}: no figures (code ${r.code}): ${r.stderr.slice(-500)}`);
    runs.push({ wallMs: r.wallMs, cpuMs: Number(m[2]), rssKb: Number(m[1]), code: r.code, out: r.stdout.trim().split("\n").pop() });
  }
  const med = (k) => runs.map((x) => x[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const row = { label, wallMs: med("wallMs"), cpuMs: med("cpuMs"), rssKb: med("rssKb"), code: runs[0].code, out: runs[0].out };
  console.log(`${label}: ${secs(row.wallMs)} wall, ${secs(row.cpuMs)} CPU, ${mb(row.rssKb)} peak RSS (exit ${row.code}; ${row.out})`);
  return row;
}

const f = files();
const size = (file) => `${(fs.statSync(file).size / 1e6).toFixed(1)} MB`;
console.log(`files in ${dir}: baseline ${entries} entries ${size(f.baseline)}, snapshot ${records} records ${size(f.snapshot)}, policy ${size(f.policy)}`);
const reader = (code) => ["-e", `const t = performance.now(); ${code}; console.log(\`\${n} in \${Math.round(performance.now() - t)} ms\`);`];
const bin = path.join(dist, "cli", "bin.js");
const history = path.dirname(f.snapshot);
// Each --history-dir run adds its own snapshot: every run starts from the big one alone.
const onlyTheBigSnapshot = () => {
  for (const name of fs.readdirSync(history)) if (path.join(history, name) !== f.snapshot) fs.rmSync(path.join(history, name));
};
const rows = [
  await measure(
    "readBaseline",
    reader(`const n = require(${JSON.stringify(path.join(dist, "config", "baseline-file.js"))}).readBaseline(${JSON.stringify(f.baseline)}).entries.length`),
  ),
  await measure(
    "readSnapshot",
    reader(`const n = require(${JSON.stringify(path.join(dist, "cli", "snapshot.js"))}).readSnapshot(${JSON.stringify(f.snapshot)}).records.length`),
  ),
  await measure(
    "loadPolicyFile",
    reader(`const n = require(${JSON.stringify(path.join(dist, "config", "policy-file.js"))}).loadPolicyFile(${JSON.stringify(f.policy)}).exceptions.length`),
  ),
  await measure("flow-audit --baseline", [
    bin,
    "--from-snapshot",
    f.today,
    "--baseline",
    f.baseline,
    "--quiet",
    "--output",
    `json=${path.join(dir, "out.json")}`,
  ]),
  await measure(
    "flow-audit --history-dir (html)",
    [bin, "--from-snapshot", f.today, "--history-dir", history, "--quiet", "--output", `html=${path.join(dir, "out.html")}`],
    onlyTheBigSnapshot,
  ),
  await measure(
    "flow-audit --history-dir --policy-file (html)",
    [bin, "--from-snapshot", f.today, "--history-dir", history, "--policy-file", f.policy, "--quiet", "--output", `html=${path.join(dir, "out.html")}`],
    onlyTheBigSnapshot,
  ),
];
onlyTheBigSnapshot();
console.log(
  `\n${table(
    ["what", "wall", "CPU", "peak RSS"],
    rows.map((r) => [r.label, secs(r.wallMs), secs(r.cpuMs), mb(r.rssKb)]),
  )}`,
);
if (!keep) fs.rmSync(dir, { recursive: true, force: true });
