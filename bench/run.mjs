#!/usr/bin/env node
// `npm run bench`: how fast and lean pulumi-flow is, side by side with the obvious
// alternative. Prints each figure as it is measured, then a Markdown summary with the
// targets, also written to bench/results/. Not a test: nothing here fails on slowness.
//
//   npm run bench                      all scenarios (about 1.5 hours on two cores: the preview
//                                      scenario, about 70 minutes, runs up to 13 variants × 3
//                                      rounds up to N = 10,000)
//   npm run bench -- --quick           smaller sizes, for a quick look
//   npm run bench -- --only inventory,faults,preview,startup,audit,html
//   npm run bench -- --preview-sizes 100,1000 --reps 5   other preview sizes / repetitions
//   npm run bench -- --only preview --variants chunks    only the variants whose label starts so
//                                      (floor, per, chunks; a partial run, like --preview-sizes)
//   npm run bench -- --only preview --from-progress bench/results/partial/preview-progress.json
//                                      compose the preview results of a run that was stopped
//   npm run bench -- --update-docs     also replace the results in docs/performance.md
//                                      (--update-readme, its old name, still works)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ensureEngine, offlineEnv } from "../tools/engine/bootstrap.mjs";
import { lastJson, mb, minMedian, ratio, run, secs, table } from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");
const require = createRequire(import.meta.url);
const { startFlowSimulator } = require("../dist/simulator/server.js");
const { createFlowClient } = require("../dist/api/client.js");
const { toChunkStates } = require("../dist/pulumi/chunk.js");
const { version } = require("../package.json");

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean" },
    only: { type: "string" },
    "preview-sizes": { type: "string" },
    reps: { type: "string" },
    variants: { type: "string" },
    "from-progress": { type: "string" },
    "update-docs": { type: "boolean" },
    "update-readme": { type: "boolean" },
  },
});
/** The saved runs of a preview benchmark that was stopped (--from-progress), to compose instead of measuring. */
const progress = opts["from-progress"] ? JSON.parse(fs.readFileSync(opts["from-progress"], "utf8")) : undefined;
if (progress && opts.only !== "preview") throw new Error("--from-progress composes the preview scenario only: add --only preview");
const kind = progress?.meta.kind ?? (opts.quick ? "quick" : opts["preview-sizes"] || opts.reps || opts.variants ? "partial" : "full");
const command = progress
  ? `${progress.meta.command}, stopped and composed by --from-progress`
  : `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
const only = new Set((opts.only ?? "inventory,faults,preview,startup,audit,html").split(","));
const LATENCY = 20;
const CONCURRENCY = 10;
const PAGE = 1000;
const SIZES = opts.quick ? [100, 1000] : [100, 1000, 10_000];
const PREVIEW_SIZES = progress
  ? progress.meta.sizes.filter((n) => Object.keys(progress.runs).some((k) => k.startsWith(`${n} / `)))
  : opts["preview-sizes"]
    ? opts["preview-sizes"].split(",").map(Number)
    : opts.quick
      ? [50, 500]
      : [100, 1000, 5000, 10_000];
const PREVIEW_REPS = progress?.meta.reps ?? Math.max(1, Number(opts.reps ?? 3));
/** Integrations per chunk in the chunked variants (K = ceil(N / CHUNK_SIZE)), as docs/stack.md advises. */
const CHUNK_SIZE = 250;
/** The largest N at which one resource per integration is previewed with the engine's default checkpoints. */
const DEFAULT_CHECKPOINTS_MAX_N = 1000;
/**
 * The largest N at which the no-op pack runs beside the N-resource variants (the floor and one
 * resource per integration): enough to separate the engine's cost of any pack from the rules'
 * up to 5,000, where issue 29 asks for the pack's own cost in both granularities (the chunked
 * variants run with the no-op pack at every size).
 */
const NOOP_PER_RESOURCE_MAX_N = 5000;
/** The label of the chunked variants of the root stack without its `integrations` output (flow:listIntegrations false). */
const LEAN = "chunks, no integrations output";
/** The floor of K chunks that carry as many bytes as the chunked mode records (see bench/floor). */
const BYTES_FLOOR = "floor (K chunks, same bytes)";
/** The label suffix of the variants run with the engine's default checkpoints. */
const DEFAULT = ", engine default";
const AUDIT_SIZES = opts.quick ? [1000] : [1000, 10_000];
const AUDIT_REPS = 5;
const FAULT_SIZES = opts.quick ? [100, 1000] : [1000, 10_000];
const STARTUP_N = 10;
const STARTUP_REPS = opts.quick ? 3 : 5;

/** The machine's load averages (1, 5, 15 min), read at the start and the end of each scenario. */
const loadavg = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
/** What each scenario measured: its targets, its sections, when and under what load. */
const results = new Map();
let current;
function scenario(name) {
  current = { name, when: new Date().toISOString(), loadAtStart: loadavg(), targets: [], sections: [] };
  results.set(name, current);
}
const target = (t) => current.targets.push(t);
function section(text) {
  current.sections.push(text);
  current.loadAtEnd = loadavg();
}
const log = (s) => console.log(s);
const node = process.execPath;
const rssHook = path.join(here, "max-rss.cjs");

async function simulator(n, extra = {}) {
  return startFlowSimulator({ dataset: `generated:${n}`, maxPageSize: PAGE, latencyMs: LATENCY, ...extra });
}

async function readWithClient(sim) {
  const r = await run(node, [path.join(here, "read-client.mjs"), sim.url, sim.token, String(CONCURRENCY)]);
  if (r.code !== 0) throw new Error(`client read failed: ${r.stderr}`);
  return lastJson(r.stdout);
}

// 1. Inventory read: client vs naive vs the ideal bound.
const baseline = new Map();
if (only.has("inventory") || only.has("faults")) {
  scenario("inventory");
  log(`\n## 1. Inventory read (list + connection status), ${LATENCY} ms per request, concurrency ${CONCURRENCY}, page size ${PAGE}`);
  const rows = [];
  for (const n of SIZES) {
    const sim = await simulator(n);
    const c = await readWithClient(sim);
    const ideal = (Math.ceil(n / PAGE) + Math.ceil(n / CONCURRENCY)) * LATENCY;
    // How long the simulator really took per request (timers fire a little after 20 ms).
    const served = sim.requests.filter((q) => q.endedAt);
    const serverMs = served.reduce((sum, q) => sum + (q.endedAt - q.startedAt), 0) / Math.max(1, served.length);
    baseline.set(n, c);
    let naive;
    let floor;
    if (only.has("inventory")) {
      const plain = async (mode) => {
        const r = await run(node, [path.join(here, "read-naive.mjs"), mode, sim.url, sim.token, String(PAGE), String(CONCURRENCY)]);
        if (r.code !== 0) throw new Error(`${mode} read failed: ${r.stderr}`);
        const result = lastJson(r.stdout);
        if (result.digest !== c.digest) throw new Error(`${mode} and client reads differ at N=${n}`);
        return result;
      };
      floor = await plain("floor");
      naive = await plain("naive");
    }
    await sim.close();
    const row = [
      n.toLocaleString("en"),
      secs(c.wallMs),
      c.requests,
      mb(c.maxRssKb),
      secs(ideal),
      ratio(c.wallMs / ideal),
      `${serverMs.toFixed(1)} ms`,
      floor ? `${secs(floor.wallMs)} (${ratio(floor.wallMs / ideal)})` : "—",
      naive ? secs(naive.wallMs) : "—",
      naive ? naive.requests : "—",
      naive ? ratio(naive.wallMs / c.wallMs) : "—",
    ];
    rows.push(row);
    log(
      `N=${n}: client ${secs(c.wallMs)} (${c.requests} requests, ${mb(c.maxRssKb)} peak RSS), ideal ${secs(ideal)}, plain-fetch floor ${floor ? secs(floor.wallMs) : "skipped"}, naive ${naive ? secs(naive.wallMs) : "skipped"}`,
    );
    if (n === 1000 && naive) {
      target([`Inventory read ≤ 1.25 × ideal bound at N=1,000`, `${ratio(c.wallMs / ideal)}`, c.wallMs <= 1.25 * ideal]);
      target([`Inventory read ≥ 8 × faster than naive at N=1,000`, `${ratio(naive.wallMs / c.wallMs)}`, naive.wallMs / c.wallMs >= 8]);
    }
  }
  if (only.has("inventory")) {
    section(
      `### Inventory read (${LATENCY} ms latency, concurrency ${CONCURRENCY}, page size ${PAGE})\n\n${table(["N", "pulumi-flow", "requests", "peak RSS", "ideal bound", "time / ideal", "server time per request", "plain-fetch floor (/ ideal)", "naive", "naive requests", "speed-up"], rows)}\n\nIdeal bound: ceil(N / page size) list requests in sequence + N status requests at concurrency ${CONCURRENCY}, times the nominal latency (${LATENCY} ms; the simulator's measured time per request is shown beside it). Plain-fetch floor: the same page size and concurrency with bare \`fetch\` and no validation, retries or timeouts — what the transport alone costs here. Naive: one request at a time with the API's default page size (50).`,
    );
  }
}

// 2. The same with faults: 5% 429 with Retry-After 1 s, 1% 503.
if (only.has("faults")) {
  scenario("faults");
  log(`\n## 2. With faults: 5% of requests 429 (Retry-After: 1), 1% 503`);
  const rows = [];
  for (const n of FAULT_SIZES) {
    const sim = await simulator(n, { seed: 7 });
    sim.addFault({ probability: 0.05, action: { type: "status", status: 429, retryAfter: "1" } });
    sim.addFault({ probability: 0.01, action: { type: "status", status: 503 } });
    const c = await readWithClient(sim);
    const faulted = sim.requests.filter((q) => q.fault).length;
    await sim.close();
    const base =
      baseline.get(n) ??
      (await (async () => {
        const s = await simulator(n);
        const b = await readWithClient(s);
        await s.close();
        return b;
      })());
    const extra = c.wallMs - base.wallMs;
    // What the faults impose on the critical path, as a lower bound no scheduler can beat: the
    // waits on the sequential list requests, plus either the status requests' waits and retry
    // round trips spread evenly over the concurrent slots, or the longest wait of a single
    // status request (the run cannot end before that request does), whichever is larger.
    const imposed = c.waits.list + Math.max(c.waits.status / CONCURRENCY + (c.retries / CONCURRENCY) * LATENCY, c.waits.longestStatus + LATENCY);
    const complete = c.records === n && c.statuses === n && c.digest === base.digest;
    rows.push([
      n.toLocaleString("en"),
      secs(base.wallMs),
      secs(c.wallMs),
      secs(extra),
      faulted,
      c.retries,
      secs(imposed),
      ratio(extra / imposed),
      complete ? "yes" : "NO",
    ]);
    log(`N=${n}: ${faulted} faulted responses, ${c.retries} retries, +${secs(extra)} over fault-free (imposed waits ${secs(imposed)}), complete: ${complete}`);
    target([`Faults cost ≤ imposed waits + 10% at N=${n.toLocaleString("en")}`, ratio(extra / imposed), extra <= 1.1 * imposed]);
    target([`Faults lose nothing at N=${n.toLocaleString("en")}`, complete ? "all records, same data" : "records missing", complete]);
  }
  section(
    `### With faults (5% 429 + Retry-After 1 s, 1% 503)\n\n${table(["N", "fault-free", "with faults", "extra", "faulted responses", "retries", "imposed waits", "extra / imposed", "nothing lost"], rows)}\n\nImposed waits: the Retry-After (or backoff) waits on the sequential list requests, plus the larger of the status requests' waits and retry round trips spread over the ${CONCURRENCY} concurrent slots and the longest wait of a single status request — a lower bound on what any client must spend.`,
  );
}

// 3. pulumi preview at scale: one resource per integration vs chunks, beside the engine's floor.
if (only.has("preview")) {
  scenario("preview");
  log(`\n## 3. pulumi preview of the root audit stack: per integration vs chunks, with and without packs, beside the engine floor`);
  log(`sizes ${PREVIEW_SIZES.join(", ")}; ${PREVIEW_REPS} interleaved repetitions after one warm-up round; chunks of ${CHUNK_SIZE}`);
  const engine = ensureEngine({ quiet: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-bench-preview-"));
  fs.mkdirSync(path.join(repo, ".work"), { recursive: true });
  const copies = fs.mkdtempSync(path.join(repo, ".work", "bench-preview-"));
  // Copies inside the repository, so that `pulumi-flow` and `@pulumi/pulumi` resolve as in the root stack.
  const audit = path.join(copies, "audit");
  fs.mkdirSync(audit);
  fs.cpSync(path.join(repo, "stack"), path.join(audit, "stack"), { recursive: true });
  fs.copyFileSync(path.join(repo, "Pulumi.yaml"), path.join(audit, "Pulumi.yaml"));
  fs.writeFileSync(path.join(audit, "package.json"), JSON.stringify({ name: "bench-audit", private: true, main: "stack/index.ts" }));
  const floor = path.join(copies, "floor");
  fs.cpSync(path.join(here, "floor"), floor, { recursive: true });
  const env = offlineEnv(engine, work, repo, { ...process.env, PULUMI_CONFIG_PASSPHRASE: "" });
  delete env.FLOW_POLICY_FILE;
  const noop = ["--policy-pack", path.join(here, "noop-pack")];
  const flowPack = ["--policy-pack", path.join(repo, "policies")];
  const chunksFor = (n) => Math.max(1, Math.ceil(n / CHUNK_SIZE));
  // Each variant: where, which stack, extra arguments, how many resources it registers (for the
  // floor). Every variant runs with PULUMI_SKIP_CHECKPOINTS=true, as docs/stack.md advises for
  // previews: engine 3.276 serializes the whole (discarded) snapshot after every step of a
  // preview, which is quadratic in the number of resources. Two "engine default" variants show
  // what that costs; the one per integration stops at DEFAULT_CHECKPOINTS_MAX_N, past which a
  // single run takes many minutes.
  const variants = [
    { label: "floor (N resources)", dir: floor, stack: "floor", args: [], floorOf: (n) => n },
    { label: "floor (N resources) + no-op pack", dir: floor, stack: "floor", args: noop, floorOf: (n) => n, maxN: NOOP_PER_RESOURCE_MAX_N },
    { label: "per integration", dir: audit, stack: "per", args: [] },
    { label: "per integration + no-op pack", dir: audit, stack: "per", args: noop, maxN: NOOP_PER_RESOURCE_MAX_N },
    { label: "per integration + pulumi-flow pack", dir: audit, stack: "per", args: flowPack },
    { label: `per integration + pulumi-flow pack${DEFAULT}`, dir: audit, stack: "per", args: flowPack, checkpoints: true, maxN: DEFAULT_CHECKPOINTS_MAX_N },
    { label: "floor (K chunks)", dir: floor, stack: "floor", args: [], floorOf: chunksFor },
    { label: BYTES_FLOOR, dir: floor, stack: "floor", args: [], floorOf: chunksFor, sameBytes: true },
    { label: `${BYTES_FLOOR} + no-op pack`, dir: floor, stack: "floor", args: noop, floorOf: chunksFor, sameBytes: true },
    { label: "chunks", dir: audit, stack: "chunk", args: [] },
    { label: "chunks + no-op pack", dir: audit, stack: "chunk", args: noop },
    { label: "chunks + pulumi-flow pack", dir: audit, stack: "chunk", args: flowPack },
    { label: `chunks + pulumi-flow pack${DEFAULT}`, dir: audit, stack: "chunk", args: flowPack, checkpoints: true },
    // The root stack as it is by default: no per-integration list among the outputs (flow:listIntegrations false).
    { label: LEAN, dir: audit, stack: "lean", args: [] },
    { label: `${LEAN} + pulumi-flow pack`, dir: audit, stack: "lean", args: flowPack },
  ];
  const chosen = opts.variants ? opts.variants.split(",").map((p) => p.trim()) : undefined;
  const measured = (n) => variants.filter((v) => n <= (v.maxN ?? Infinity) && (!chosen || chosen.some((p) => v.label.startsWith(p))));
  const results = new Map(); // `${n}\0${label}` → runs
  // A long run that is stopped keeps what it measured: every run so far, per size and variant.
  const saveProgress = () => {
    fs.mkdirSync(path.join(here, "results", "partial"), { recursive: true });
    const runs = [...results].map(([k, rs]) => [
      k.replace("\0", " / "),
      rs.map((r) => ({ wallMs: r.wallMs, cpuMs: r.cpuMs, cpuByProcessMs: r.cpuByProcessMs, peakTotalKb: r.peakTotalKb, peaksKb: r.peaksKb })),
    ]);
    const meta = { when: current.when, loadAtStart: current.loadAtStart, command, kind, sizes: PREVIEW_SIZES, reps: PREVIEW_REPS, loadNow: loadavg() };
    fs.writeFileSync(path.join(here, "results", "partial", "preview-progress.json"), JSON.stringify({ meta, runs: Object.fromEntries(runs) }, null, 1));
  };
  if (progress) {
    for (const [key, runs] of Object.entries(progress.runs)) results.set(key.replace(" / ", "\0"), runs);
    current.when = progress.meta.when;
    current.loadAtStart = progress.meta.loadAtStart;
    fs.rmSync(copies, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  } else {
    try {
      for (const [dir, stack] of [
        [floor, "floor"],
        [audit, "per"],
        [audit, "chunk"],
        [audit, "lean"],
      ]) {
        const init = await run(engine.pulumi, ["stack", "init", stack, "--secrets-provider", "passphrase", "--non-interactive"], {
          env: { ...env, PWD: dir },
          cwd: dir,
        });
        if (init.code !== 0) throw new Error(init.stderr);
      }
      for (const [index, n] of PREVIEW_SIZES.entries()) {
        const sim = await startFlowSimulator({ dataset: `generated:${n}`, maxPageSize: PAGE });
        // What the chunked mode records per integration (the text of its chunks' keys and values), for the floor of the same bytes.
        const client = createFlowClient({ baseUrl: sim.url, token: sim.token });
        const reading = await client.getInventory({}, { connectionStatus: true }).finally(() => client.close());
        const textOf = (map) => Object.entries(map).reduce((sum, [key, text]) => sum + key.length + text.length, 0);
        const bytesPerIntegration = Math.round(
          toChunkStates(reading, chunksFor(n)).reduce((sum, state) => sum + textOf(state.integrations) + textOf(state.users) + textOf(state.vendorMeta), 0) / n,
        );
        log(`N=${n}: the chunked mode records ${bytesPerIntegration} bytes per integration`);
        for (const [stack, key, value] of [
          // "per" and "chunk" list every integration among the outputs (opt-in since issue 31), "lean" does not (the default).
          ["per", "flow:listIntegrations", "true"],
          ["chunk", "flow:chunks", String(chunksFor(n))],
          ["chunk", "flow:listIntegrations", "true"],
          ["lean", "flow:chunks", String(chunksFor(n))],
          ["lean", "flow:listIntegrations", "false"],
        ]) {
          const set = await run(engine.pulumi, ["config", "set", "--path", key, value, "--stack", stack, "--non-interactive"], {
            env: { ...env, PWD: audit },
            cwd: audit,
          });
          if (set.code !== 0) throw new Error(set.stderr);
        }
        try {
          // A warm-up round before the first size only; then A, B, C, …, A, B, C, … so that a
          // change of the machine's load hits every variant alike.
          for (let rep = index === 0 ? -1 : 0; rep < PREVIEW_REPS; rep++) {
            for (const v of measured(n)) {
              const e = { ...env, PWD: v.dir, FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token, FLOOR_N: String(v.floorOf ? v.floorOf(n) : 0) };
              if (v.sameBytes) Object.assign(e, { FLOOR_ENTRIES: String(n), FLOOR_ENTRY_BYTES: String(bytesPerIntegration) });
              if (v.checkpoints) delete e.PULUMI_SKIP_CHECKPOINTS;
              else e.PULUMI_SKIP_CHECKPOINTS = "true";
              const r = await run(engine.pulumi, ["preview", "--stack", v.stack, "--non-interactive", ...v.args], {
                env: e,
                cwd: v.dir,
                cpu: true,
                sample: true,
              });
              if (![0, 1].includes(r.code) || (r.code === 1 && !v.args.includes(flowPack[1])))
                throw new Error(`preview (${v.label}) failed at N=${n}:\n${r.stdout.slice(-2000)}\n${r.stderr}`);
              if (rep < 0) continue;
              const key = `${n}\0${v.label}`;
              results.set(key, [...(results.get(key) ?? []), r]);
              saveProgress();
            }
          }
        } finally {
          await sim.close();
        }
        const line = measured(n)
          .map((v) => `${v.label} ${secs(minMedian(results.get(`${n}\0${v.label}`).map((r) => r.wallMs)).median)}`)
          .join(", ");
        log(`N=${n} (K=${chunksFor(n)}): median wall ${line}`);
      }
    } finally {
      fs.rmSync(copies, { recursive: true, force: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  const stat = (n, label) => {
    const rs = results.get(`${n}\0${label}`);
    if (!rs?.length) return undefined;
    return {
      runs: rs.length,
      wall: minMedian(rs.map((r) => r.wallMs)),
      cpu: minMedian(rs.map((r) => r.cpuMs)),
      peakKb: Math.max(...rs.map((r) => r.peakTotalKb)),
      byProcess: Object.fromEntries(Object.keys(rs[0].peaksKb).map((k) => [k, Math.max(...rs.map((r) => r.peaksKb[k] ?? 0))])),
      // Median sampled own CPU of each kind of process (a run saved before these were sampled has none).
      cpuByProcess: Object.fromEntries(Object.keys(rs[0].cpuByProcessMs ?? {}).map((k) => [k, minMedian(rs.map((r) => r.cpuByProcessMs?.[k] ?? 0)).median])),
    };
  };
  const cpuSecs = (ms) => (ms === undefined ? "n/a" : secs(ms));
  const pct = (a, b) => (a === undefined || b === undefined ? "not run" : `${Math.round(((a - b) / b) * 100)}%`);
  const rows = PREVIEW_SIZES.flatMap((n) =>
    measured(n)
      .filter((v) => stat(n, v.label))
      .map((v) => {
        const s = stat(n, v.label);
        const peaks = Object.entries(s.byProcess)
          .map(([k, kb]) => `${k} ${mb(kb)}`)
          .join(", ");
        const cpuByProcess = Object.entries(s.cpuByProcess)
          .map(([k, ms]) => `${k} ${secs(ms)}`)
          .join(", ");
        return [
          n.toLocaleString("en"),
          v.label,
          s.runs,
          secs(s.wall.min),
          secs(s.wall.median),
          cpuSecs(s.cpu.min),
          cpuSecs(s.cpu.median),
          cpuByProcess || "n/a",
          mb(s.peakKb),
          peaks,
        ];
      }),
  );
  // Ratios of medians, side by side in one run.
  const rt = (a, b) => (a === undefined || b === undefined ? "not run" : ratio(a / b));
  const ratioRows = PREVIEW_SIZES.map((n) => {
    const m = (label, what = "wall") => stat(n, label)?.[what].median;
    const peak = (label) => (stat(n, label) ? mb(stat(n, label).peakKb) : "not run");
    return [
      n.toLocaleString("en"),
      `${rt(m("per integration"), m("floor (N resources)"))} / ${rt(m("per integration", "cpu"), m("floor (N resources)", "cpu"))}`,
      `${pct(m("per integration + pulumi-flow pack"), m("per integration"))} / ${pct(m("per integration + pulumi-flow pack"), m("per integration + no-op pack"))}`,
      `${rt(m("chunks"), m("floor (K chunks)"))}`,
      `${pct(m("chunks + pulumi-flow pack"), m("chunks"))} / ${pct(m("chunks + pulumi-flow pack"), m("chunks + no-op pack"))}`,
      `${rt(m("per integration + pulumi-flow pack"), m("chunks + pulumi-flow pack"))} / ${rt(m("per integration + pulumi-flow pack", "cpu"), m("chunks + pulumi-flow pack", "cpu"))}`,
      `${peak("per integration + pulumi-flow pack")} / ${peak("chunks + pulumi-flow pack")}`,
      `${rt(m(`per integration + pulumi-flow pack${DEFAULT}`), m("per integration + pulumi-flow pack"))} / ${rt(m(`chunks + pulumi-flow pack${DEFAULT}`), m("chunks + pulumi-flow pack"))}`,
      `${rt(m(`${LEAN} + pulumi-flow pack`), m("chunks + pulumi-flow pack"))} / ${pct(m(`${LEAN} + pulumi-flow pack`), m(LEAN))} / ${peak(`${LEAN} + pulumi-flow pack`)}`,
      `${rt(m("chunks"), m(BYTES_FLOOR))} / ${rt(m("chunks + pulumi-flow pack"), m(`${BYTES_FLOOR} + no-op pack`))} / ${pct(m(`${BYTES_FLOOR} + no-op pack`), m(BYTES_FLOOR))}`,
    ];
  });
  // The largest size with chunked runs with the pack (a run stopped early may lack the last).
  const big = PREVIEW_SIZES.filter((n) => stat(n, "chunks + pulumi-flow pack")).at(-1);
  const thousand = PREVIEW_SIZES.includes(1000) ? 1000 : PREVIEW_SIZES[Math.max(0, PREVIEW_SIZES.length - 2)];
  const med = (n, label) => stat(n, label).wall.median;
  // (A run of some variants only, --variants, states the targets of those it ran.)
  if (big !== undefined) {
    for (const [label, how] of [
      ["chunks + pulumi-flow pack", ""],
      [`chunks + pulumi-flow pack${DEFAULT}`, ", engine default checkpoints"],
      [`${LEAN} + pulumi-flow pack`, ", flow:listIntegrations false"],
    ]) {
      if (!stat(big, label)) continue;
      const chunkPeak = stat(big, label).peakKb;
      target([
        `Chunks: peak RSS of all processes < 1.5 GB at N=${big.toLocaleString("en")} (with the pack${how})`,
        mb(chunkPeak),
        chunkPeak < 1.5 * 1024 * 1024,
      ]);
      if (big !== thousand) {
        const growth = med(big, label) / med(thousand, label);
        target([
          `Chunks: preview at N=${big.toLocaleString("en")} < 2× the time at N=${thousand.toLocaleString("en")} (with the pack${how})`,
          ratio(growth),
          growth < 2,
        ]);
      }
    }
    for (const [base, how] of [
      ["chunks", ""],
      [LEAN, " (flow:listIntegrations false)"],
    ]) {
      if (!stat(big, base) || !stat(big, `${base} + pulumi-flow pack`)) continue;
      const chunkOverhead = med(big, `${base} + pulumi-flow pack`) / med(big, base) - 1;
      target([
        `Chunks: pack overhead ≤ 25% at N=${big.toLocaleString("en")}${how}`,
        pct(med(big, `${base} + pulumi-flow pack`), med(big, base)),
        chunkOverhead <= 0.25,
      ]);
    }
  }
  // The pack's own cost (issue 29: ≤ 10% in both granularities at 1,000 and 5,000): what the
  // processes a pack's work runs in — the pack's node process, and the engine, which receives and
  // prints its findings — cost with pulumi-flow's pack above the same preview with the no-op
  // pack, as a share of that whole preview's CPU. The program, provider and language host do the
  // same work with either pack: their run-to-run variation (the program's alone varies by ±0.5 s
  // at 5,000) would otherwise be counted as the pack's. The whole tree's difference is shown beside it.
  const PACK_PROCESSES = ["policy pack (node)", "engine (pulumi)"];
  for (const n of PREVIEW_SIZES.filter((s) => s >= 1000 && s <= 5000)) {
    for (const base of ["per integration", "chunks"]) {
      const flow = stat(n, `${base} + pulumi-flow pack`);
      const noop = stat(n, `${base} + no-op pack`);
      if (flow?.cpu.median === undefined || noop?.cpu.median === undefined) continue;
      const whole = pct(flow.cpu.median, noop.cpu.median);
      const sampled = PACK_PROCESSES.every((k) => flow.cpuByProcess[k] !== undefined && noop.cpuByProcess[k] !== undefined);
      const own = sampled ? PACK_PROCESSES.reduce((sum, k) => sum + flow.cpuByProcess[k] - noop.cpuByProcess[k], 0) / noop.cpu.median : undefined;
      target([
        `${base}: the pack's own CPU above a no-op pack ≤ 10% at N=${n.toLocaleString("en")} (pack and engine processes; whole tree beside it)`,
        own === undefined ? `whole tree ${whole}` : `${Math.round(own * 100)}% (whole tree ${whole})`,
        (own ?? flow.cpu.median / noop.cpu.median - 1) <= 0.1,
      ]);
    }
  }
  const bytesGrowth =
    big !== undefined && big !== thousand && stat(big, BYTES_FLOOR) && stat(thousand, BYTES_FLOOR)
      ? ` The floor of the same bytes takes ${ratio(med(big, BYTES_FLOOR) / med(thousand, BYTES_FLOOR))} the time at N=${big.toLocaleString("en")} that it takes at N=${thousand.toLocaleString("en")}${stat(big, `${BYTES_FLOOR} + no-op pack`) && stat(thousand, `${BYTES_FLOOR} + no-op pack`) ? ` (${ratio(med(big, `${BYTES_FLOOR} + no-op pack`) / med(thousand, `${BYTES_FLOOR} + no-op pack`))} with the no-op pack)` : ""}.`
      : "";
  section(
    `### pulumi preview at scale (root audit stack, simulator without latency; chunks of ${CHUNK_SIZE}; ${PREVIEW_REPS} interleaved repetitions)\n\n` +
      `${table(["N", "per integration ÷ floor (wall / CPU)", "pack overhead / above no-op (per integration)", "chunks ÷ floor (K)", "pack overhead / above no-op (chunks)", "per integration ÷ chunks, with pack (wall / CPU)", "peak RSS with pack (per integration / chunks)", "engine default checkpoints ÷ skipped, with pack (per integration / chunks)", "chunks without the integrations output: ÷ chunks with pack / pack overhead / peak RSS with pack", "chunks ÷ floor of the same bytes: no pack / pulumi-flow pack ÷ no-op pack / no-op pack overhead on that floor"], ratioRows)}\n\n` +
      `Ratios of medians. Every variant runs with \`PULUMI_SKIP_CHECKPOINTS=true\` (what docs/stack.md advises for previews) except those marked "engine default": engine ${engine.version} serializes the whole snapshot after every step even of a preview, whose snapshot it then discards. The floor (\`bench/floor\`) registers as many trivial dynamic resources (no HTTP, no pulumi-flow) as the variant beside it; the floor of the same bytes gives its K resources as many bytes of text between them as the chunked mode records (no reading, validation or rules): what the engine charges for recording that data; the no-op pack (\`bench/noop-pack\`) is the engine's cost of any pack.${bytesGrowth}\n\n` +
      `${table(["N", "variant", "runs", "wall min", "wall median", "CPU min", "CPU median", "CPU median by process (sampled)", "peak RSS, all processes", "peak RSS by process"], rows)}\n\n` +
      `CPU: user + system time of every process the preview started, other process groups and processes their parents left included (bench/treecpu, a child subreaper). CPU by process: each process's own user + system time (/proc/PID/stat), sampled every 50 ms with the memory, so each process's last interval is missed; it tells the processes apart, and the pack's own cost in the targets is the pack and engine processes' difference from the no-op pack's. Peak RSS: the largest sum over the engine, language host, program, policy pack and provider processes, sampled every 50 ms, over the repetitions.`,
  );
  if (progress) current.loadAtEnd = progress.meta.loadNow;
}

// 3b. Start-up: the root audit stack's fixed cost per run, by how its program is started.
if (only.has("startup")) {
  scenario("startup");
  log(`\n## 3b. Start-up: pulumi preview of the root audit stack at N=${STARTUP_N}, ${STARTUP_REPS} interleaved repetitions`);
  const engine = ensureEngine({ quiet: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-bench-startup-"));
  // Copies inside the repository, so that `pulumi-flow` and `@pulumi/pulumi` resolve as in the root stack.
  fs.mkdirSync(path.join(repo, ".work"), { recursive: true });
  const copies = fs.mkdtempSync(path.join(repo, ".work", "bench-startup-"));
  const project = (name, yaml, main) => {
    const dir = path.join(copies, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(path.join(repo, "stack"), path.join(dir, "stack"), { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: `startup-${name}`, private: true, main }));
    return dir;
  };
  const variants = [
    // What the root stack did before: ts-node type-checks stack/index.ts at every run.
    [
      "type-checked (ts-node, before)",
      project("checked", "name: startup-checked\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: stack/index.ts\n", "stack/index.ts"),
    ],
    // The shipped Pulumi.yaml: ts-node transpile-only through stack/tsconfig.pulumi.json (noCheck).
    [
      "transpile-only (shipped)",
      project("transpile", fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8").replace(/^name: .*$/m, "name: startup-transpile"), "stack/index.ts"),
    ],
    // Reference: compiled JavaScript, no TypeScript at run time at all.
    [
      "compiled JavaScript (reference)",
      project("js", "name: startup-js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: stack/index.js\n", "stack/index.js"),
    ],
  ];
  const tsc = await run(
    node,
    [
      require.resolve("typescript/bin/tsc"),
      "-p",
      path.join(variants[1][1], "stack", "tsconfig.pulumi.json"),
      "--noCheck",
      "false",
      "--noEmit",
      "false",
      "--outDir",
      path.join(variants[2][1], "stack"),
    ],
    { cwd: repo },
  );
  if (tsc.code !== 0) throw new Error(`compiling the stack failed:\n${tsc.stdout}${tsc.stderr}`);
  const env = offlineEnv(engine, work, repo, { ...process.env, PULUMI_CONFIG_PASSPHRASE: "" });
  delete env.FLOW_POLICY_FILE;
  const sim = await startFlowSimulator({ dataset: `generated:${STARTUP_N}`, maxPageSize: PAGE });
  const e = { ...env, FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token };
  const results = new Map(variants.map(([label]) => [label, []]));
  try {
    for (const [, dir] of variants) {
      const init = await run(engine.pulumi, ["stack", "init", "bench", "--secrets-provider", "passphrase", "--non-interactive"], {
        env: { ...env, PWD: dir },
        cwd: dir,
      });
      if (init.code !== 0) throw new Error(init.stderr);
    }
    // One warm-up round, then interleaved repetitions (A, B, C, A, B, C, …).
    for (let rep = -1; rep < STARTUP_REPS; rep++) {
      for (const [label, dir] of variants) {
        const r = await run(engine.pulumi, ["preview", "--stack", "bench", "--non-interactive"], { env: { ...e, PWD: dir }, cwd: dir, cpu: true });
        if (r.code !== 0) throw new Error(`preview (${label}) failed:\n${r.stdout.slice(-2000)}\n${r.stderr}`);
        if (rep >= 0) results.get(label).push(r);
      }
    }
  } finally {
    await sim.close();
    fs.rmSync(copies, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  const stats = new Map([...results].map(([label, rs]) => [label, { wall: minMedian(rs.map((r) => r.wallMs)), cpu: minMedian(rs.map((r) => r.cpuMs)) }]));
  const [before, shipped] = variants.map(([label]) => stats.get(label));
  const cpuSecs = (ms) => (ms === undefined ? "n/a" : secs(ms));
  const rows = [...stats].map(([label, s]) => [
    label,
    secs(s.wall.min),
    secs(s.wall.median),
    cpuSecs(s.cpu.min),
    cpuSecs(s.cpu.median),
    s === before || before.cpu.median === undefined
      ? "—"
      : `${cpuSecs(before.cpu.median - s.cpu.median)} CPU, ${secs(before.wall.median - s.wall.median)} wall`,
  ]);
  for (const r of rows) log(`${r[0]}: wall min ${r[1]} / median ${r[2]}, CPU min ${r[3]} / median ${r[4]}, saving (median) ${r[5]}`);
  if (before.cpu.median !== undefined) {
    target([
      "Start-up: the root stack runs without type-checking (median CPU of the process tree, N=10)",
      `${cpuSecs(shipped.cpu.median)} vs ${cpuSecs(before.cpu.median)} type-checked`,
      shipped.cpu.median < before.cpu.median,
    ]);
  }
  section(
    `### Start-up (root audit stack, pulumi preview at N=${STARTUP_N}, ${STARTUP_REPS} interleaved repetitions after one warm-up round)\n\n${table(["program started as", "wall min", "wall median", "CPU min", "CPU median", "saving vs type-checked (medians)"], rows)}\n\nCPU: user + system time of every process the preview started (engine, language host, program, provider), through bench/treecpu. At this size the run is almost all fixed cost, so the difference between the rows is what starting the program costs; the shipped \`Pulumi.yaml\` runs \`stack/index.ts\` transpile-only (\`runtime.options.tsconfig: tsconfig.pulumi.json\`, which sets \`noCheck\`), and \`npm run typecheck\` is where type errors are caught.`,
  );
}

// 4. flow-audit --format json end to end: peak RSS and CPU at latency 0 (the target) and 20 ms.
if (only.has("audit")) {
  scenario("audit");
  const latencies = [0, LATENCY];
  log(`\n## 4. flow-audit --format json, latency ${latencies.join(" and ")} ms, ${AUDIT_REPS} runs each, interleaved`);
  const sims = new Map();
  for (const latencyMs of latencies) for (const n of AUDIT_SIZES) sims.set(`${n}/${latencyMs}`, await simulator(n, { latencyMs }));
  const runs = new Map([...sims.keys()].map((k) => [k, []]));
  const out = path.join(os.tmpdir(), `flow-audit-bench-${process.pid}.json`);
  let size = 0;
  try {
    // Interleaved: every configuration once per round, so a load spike hits all of them alike.
    for (let rep = 0; rep < AUDIT_REPS; rep++) {
      for (const [key, sim] of sims) {
        const r = await run(node, ["--require", rssHook, path.join(repo, "dist", "cli", "bin.js"), "--format", "json", "--fail-on", "never", "--quiet"], {
          env: { ...process.env, FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token, FLOW_POLICY_FILE: "" },
          stdoutFile: out,
        });
        if (r.code !== 0) throw new Error(`flow-audit failed (N/latency ${key}): ${r.stderr}`);
        size = Math.max(size, key.startsWith(`${AUDIT_SIZES[AUDIT_SIZES.length - 1]}/`) ? fs.statSync(out).size : 0);
        runs.get(key).push(r);
        log(`N/latency ${key}: ${secs(r.wallMs)} wall, ${secs(r.cpuMs)} CPU, peak RSS ${mb(r.maxRssKb)}`);
      }
    }
  } finally {
    fs.rmSync(out, { force: true });
    for (const sim of sims.values()) await sim.close();
  }
  const min = (xs) => Math.min(...xs);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const rows = [];
  for (const key of sims.keys()) {
    const [n, latencyMs] = key.split("/").map(Number);
    const rs = runs.get(key);
    const wall = rs.map((r) => r.wallMs);
    const cpu = rs.map((r) => r.cpuMs);
    const rss = rs.map((r) => r.maxRssKb);
    rows.push([
      n.toLocaleString("en"),
      `${latencyMs} ms`,
      `${secs(min(wall))} / ${secs(median(wall))}`,
      `${secs(min(cpu))} / ${secs(median(cpu))}`,
      `${mb(min(rss))} / ${mb(median(rss))} / ${mb(Math.max(...rss))}`,
      `${(median(rss) / n).toFixed(1)} KB`,
    ]);
  }
  const big = AUDIT_SIZES[AUDIT_SIZES.length - 1];
  const peak = Math.max(...runs.get(`${big}/0`).map((r) => r.maxRssKb));
  target([
    `flow-audit peak RSS ≤ 180 MB (decimal) at N=${big.toLocaleString("en")}, latency 0 (every run)`,
    `${((peak * 1024) / 1e6).toFixed(1)} MB (largest of ${AUDIT_REPS})`,
    peak * 1024 <= 180e6,
  ]);
  if (AUDIT_SIZES.length > 1) {
    const [a, b] = AUDIT_SIZES;
    const growth = median(runs.get(`${b}/0`).map((r) => r.maxRssKb)) / median(runs.get(`${a}/0`).map((r) => r.maxRssKb));
    target([
      `flow-audit memory grows at most linearly, N=${a.toLocaleString("en")} → ${b.toLocaleString("en")} (latency 0)`,
      `${ratio(growth)} RSS for ${b / a}× integrations`,
      growth <= b / a,
    ]);
  }
  section(
    `### flow-audit --format json (end to end, default concurrency 8, ${AUDIT_REPS} interleaved runs per row)\n\n${table(["N", "latency", "wall (min / median)", "CPU (min / median)", "peak RSS (min / median / max)", "RSS per integration (median)"], rows)}\n\nCPU is the process's user + system time. The report at N=${big.toLocaleString("en")} is ${(size / 1024 / 1024).toFixed(1)} MB.`,
  );
}

// 5. The HTML report at N=1,000: its size, and how long Chromium takes to render it from file://
//    (navigation start → the page's 'report-ready' mark), over a few loads of the same file.
if (only.has("html")) {
  scenario("html");
  const HTML_N = 1000;
  const HTML_REPS = opts.quick ? 3 : 5;
  const chromium = process.env.PULUMI_FLOW_CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) throw new Error(`the html scenario needs Chromium at ${chromium}: run npm run setup:browser`);
  log(`\n## 5. flow-audit --format html at N=${HTML_N.toLocaleString("en")}, rendered ${HTML_REPS} times in ${chromium}`);
  const sim = await simulator(HTML_N, { latencyMs: 0 });
  const file = path.join(os.tmpdir(), `flow-audit-bench-${process.pid}.html`);
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  const ready = [];
  let size;
  try {
    const r = await run(node, [path.join(repo, "dist", "cli", "bin.js"), "--output", `html=${file}`, "--format", "json", "--fail-on", "never", "--quiet"], {
      env: { ...process.env, FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token, FLOW_POLICY_FILE: "" },
    });
    if (r.code !== 0) throw new Error(`flow-audit failed: ${r.stderr}`);
    size = fs.statSync(file).size;
    for (let rep = 0; rep < HTML_REPS; rep++) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 800 });
      await page.goto(`file://${file}`, { waitUntil: "load" });
      await page.waitForSelector("html[data-ready]");
      ready.push(await page.evaluate(() => performance.getEntriesByName("report-ready")[0].startTime));
      await page.close();
      log(`load ${rep + 1}: report-ready after ${ready[ready.length - 1].toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await sim.close();
    fs.rmSync(file, { force: true });
  }
  const sorted = [...ready].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  target([`HTML report < 2 MB at N=${HTML_N.toLocaleString("en")}`, `${(size / 1024 / 1024).toFixed(2)} MB`, size < 2 * 1024 * 1024]);
  target([`HTML report renders in < 2 s at N=${HTML_N.toLocaleString("en")} (median, navigation start → report-ready)`, secs(median), median < 2000]);
  section(
    `### HTML report (N=${HTML_N.toLocaleString("en")}, Chromium headless, ${HTML_REPS} loads from file://)\n\n${table(["N", "report size", "render min", "render median", "render max"], [[HTML_N.toLocaleString("en"), `${(size / 1024 / 1024).toFixed(2)} MB`, secs(sorted[0]), secs(median), secs(sorted[sorted.length - 1])]])}\n\nRender: navigation start to the page's \`report-ready\` performance mark, set once its script has built the tables (the first 500 findings rows).`,
  );
}

// Each scenario's results are kept in a file of its own, so that one scenario can be measured
// again (`--only audit`) without discarding the others; the summary is composed from all of them,
// each with its own date and machine load. Quick runs and runs with other sizes or repetitions
// go to files of their own, never committed, and never replace the full results.
const SCENARIOS = ["inventory", "faults", "preview", "startup", "audit", "html"];
const store = path.join(here, "results", kind === "full" ? "scenarios" : kind);
fs.mkdirSync(store, { recursive: true });
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
for (const r of results.values()) {
  if (r.sections.length === 0) continue;
  fs.writeFileSync(path.join(store, `${r.name}.json`), `${JSON.stringify({ ...r, version, machine, command }, null, 2)}\n`);
}
const recorded = SCENARIOS.map((name) => path.join(store, `${name}.json`))
  .filter((f) => fs.existsSync(f))
  .map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
const cores = os.cpus().length;
const summary = [
  "Each scenario below says when it was measured, with which command and version, and the machine's load",
  `(1/5/15-minute averages, ${cores} cores) at its start and end — a load above the core count means other work competed`,
  "with the benchmark; compare the CPU columns then.",
  "",
  "### Targets",
  "",
  table(
    ["Target", "Measured", "Holds", "Scenario"],
    recorded.flatMap((r) => r.targets.map(([t, m, ok]) => [t, m, ok === null ? "—" : ok ? "yes" : "**no**", r.name])),
  ),
  "",
  ...recorded.flatMap((r) => [
    `<!-- scenario: ${r.name} -->`,
    ...r.sections.flatMap((s, i) => [
      s,
      "",
      ...(i === r.sections.length - 1
        ? [
            `_Measured ${r.when.slice(0, 16).replace("T", " ")} UTC with pulumi-flow ${r.version} on ${r.machine} (\`${r.command}\`); load ${r.loadAtStart} at the start, ${r.loadAtEnd} at the end._`,
            "",
          ]
        : []),
    ]),
  ]),
].join("\n");
log(`\n${summary}`);
const latest = path.join(here, "results", kind === "full" ? "latest.md" : `latest-${kind}.md`);
fs.writeFileSync(latest, `# pulumi-flow benchmarks\n\n${summary}`);
log(`\nWritten to ${path.relative(repo, latest)}.`);
if (opts["update-docs"] || opts["update-readme"]) {
  if (kind !== "full") throw new Error("--update-docs takes the full results only (no --quick, --preview-sizes or --reps)");
  const doc = path.join(repo, "docs", "performance.md");
  const text = fs.readFileSync(doc, "utf8");
  const start = text.indexOf("<!-- bench:start -->");
  const end = text.indexOf("<!-- bench:end -->");
  if (start < 0 || end < start) throw new Error("docs/performance.md lacks the bench markers");
  fs.writeFileSync(doc, `${text.slice(0, start)}<!-- bench:start -->\n${summary.replace(/^### /gm, "## ")}\n${text.slice(end)}`);
  log("docs/performance.md results updated.");
}
