#!/usr/bin/env node
// The main job (`npm run demo`): starts the Flow simulator, reads every integration into a
// throwaway local-backend stack of the root project, runs the pulumi-flow policy pack, and
// shows the integrations, the stack outputs, the violations by rule and a verdict. The exit
// code is the gate's (pulumi's). Run with --help for the options.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { ensureEngine, offlineEnv } from "../tools/engine/bootstrap.mjs";

/** Without --all: integrations listed, findings shown per rule, ids shown per summary list. */
const LIST_LIMIT = 25;
const PER_RULE_LIMIT = 5;
const IDS_LIMIT = 12;

const USAGE = `Usage: npm run demo -- [options]

  --up                   run \`pulumi up\` instead of \`pulumi preview\` (env FLOW_DEMO_MODE=up)
  --dataset NAME         simulator dataset: demo (default), published, empty, generated:N
                         (env FLOW_DEMO_DATASET); published = Flow's documented example and variants
  --policy-config FILE   pass FILE as --policy-pack-config, e.g. examples/policy/policy-config.json
                         (env FLOW_DEMO_POLICY_CONFIG)
  --policy-file FILE     use FILE as the YAML policy file (env FLOW_POLICY_FILE)
  --no-policy            run without the policy pack (the verdict then judges nothing)
  --all                  list every integration and finding (by default long lists are cut
                         at ${LIST_LIMIT} integrations and ${PER_RULE_LIMIT} findings per rule, with the rest counted)
  --build                compile the package first (\`npm run demo\` passes it)
  -h, --help             show this help

With FLOW_API_URL and FLOW_API_TOKEN set, the demo reads that Flow tenant instead of the simulator.
Exit code: pulumi's (0 pass, 1 the gate failed or pulumi could not run); 2 for a usage error.
`;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** A usage error: the message, the usage, exit 2 (nothing has been started yet). */
function usageError(message) {
  console.error(`demo: ${message}\nRun \`npm run demo -- --help\` for the options.`);
  process.exit(2);
}

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      up: { type: "boolean" },
      dataset: { type: "string" },
      "policy-config": { type: "string" },
      "policy-file": { type: "string" },
      "no-policy": { type: "boolean" },
      all: { type: "boolean" },
      build: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (e) {
  usageError(e.message);
}
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const mode = opts.up || process.env.FLOW_DEMO_MODE === "up" ? "up" : "preview";
const policyConfig = opts["policy-config"] ?? process.env.FLOW_DEMO_POLICY_CONFIG;
const policyFile = opts["policy-file"] ?? process.env.FLOW_POLICY_FILE;
const gated = !opts["no-policy"];
for (const [flag, file] of [
  ["--policy-config", policyConfig],
  ["--policy-file", policyFile],
]) {
  if (file && !fs.existsSync(path.resolve(file))) usageError(`${flag} ${file}: no such file`);
}

if (opts.build) {
  console.error("demo: compiling (npm run build)…");
  const built = spawnSync("npm", ["run", "--silent", "build"], { cwd: repo, stdio: ["ignore", "inherit", "inherit"] });
  if (built.status !== 0) {
    console.error(`demo: the build failed (exit ${built.status ?? built.signal}); see above`);
    process.exit(built.status || 1);
  }
}
if (!fs.existsSync(path.join(repo, "dist", "index.js"))) usageError("the package is not built: run `npm run demo` (it compiles first) or `npm run build`");

const { parsePreviewEvents } = require("../dist/pulumi/events.js");
const { INTEGRATION_TYPE } = require("../dist/pulumi/type.js");
const ruleOrder = require("../dist/rules/index.js").rules.map((r) => r.id);
const { parseFlowTimestamp } = require("../dist/api/time.js");
const { terminalSafe } = require("../dist/api/ingest.js");
const { count, fixLabel, hanging, sharedFix, terminalWidth, wrap } = require("../dist/cli/terminal.js");
const { loadDataset } = require("../dist/simulator/datasets.js");

const realTenant = Boolean(process.env.FLOW_API_URL && process.env.FLOW_API_TOKEN);
const datasetName = opts.dataset ?? process.env.FLOW_DEMO_DATASET ?? "demo";
let dataset;
if (realTenant) {
  if (opts.dataset) console.error(`demo: --dataset ${opts.dataset} is ignored: FLOW_API_URL and FLOW_API_TOKEN select a real tenant`);
} else {
  try {
    dataset = loadDataset(datasetName);
  } catch (e) {
    usageError(`--dataset ${datasetName}: ${e.message}`);
  }
}

const engine = ensureEngine({ quiet: true });
const sim = dataset ? await require("../dist/simulator/server.js").startFlowSimulator({ port: 0, dataset }) : undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-demo-"));
const stack = `demo-${process.pid}`;
const env = {
  ...offlineEnv(engine, work, repo),
  PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1",
  ...(sim ? { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token } : {}),
  ...(policyFile ? { FLOW_POLICY_FILE: path.resolve(policyFile) } : {}),
};
let child;
let cleaning;
let interrupted = false;

/**
 * Stops a running pulumi the way Ctrl-C in a terminal does: SIGINT lets it cancel and shut
 * down its language host and plugins (they run in process groups of their own, so killing
 * pulumi outright would orphan them). Only if it has not exited after 30 s is it killed.
 */
async function stopPulumi() {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("close", resolve));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Removes the throwaway stack, its state and the simulator, once (both the run and a signal may ask). */
function cleanup() {
  cleaning ??= (async () => {
    await stopPulumi();
    await sim?.close();
    fs.rmSync(path.join(repo, `Pulumi.${stack}.yaml`), { force: true });
    fs.rmSync(work, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    void cleanup().finally(() => {
      console.error(`\ndemo: interrupted; stopped pulumi, removed the throwaway stack and stopped the simulator`);
      process.exit(130);
    });
  });
}

/**
 * Runs pulumi in the throwaway stack. With `progress`, the streamed JSON events are counted
 * as they come: on a terminal a live line on stderr, elsewhere a line every 15 s (a big
 * dataset takes minutes; small ones finish before the first).
 */
function pulumi(args, progress) {
  return new Promise((resolve, reject) => {
    if (interrupted) return; // the signal handler is cleaning up and ends the demo
    child = spawn(engine.pulumi, [...args, "--non-interactive", "--stack", stack], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let partial = "";
    const seen = { integrations: 0, violations: 0 };
    const live = progress && process.stderr.isTTY === true;
    const report = () => {
      const text = `demo: ${progress.verb}… ${seen.integrations}${progress.total !== undefined ? `/${progress.total}` : ""} integrations, ${count(seen.violations, "policy violation")}`;
      process.stderr.write(live ? `\r${text}\x1b[K` : `${text}\n`);
    };
    const timer = progress ? setInterval(report, live ? 250 : 15_000) : undefined;
    child.stdout.on("data", (d) => {
      out += d;
      if (!progress) return;
      const lines = (partial + d).split("\n");
      partial = lines.pop();
      for (const line of lines) {
        if (line.includes('"resourcePreEvent"') && line.includes(INTEGRATION_TYPE)) seen.integrations++;
        else if (line.includes('"policyEvent"')) seen.violations++;
      }
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(timer);
      if (live) process.stderr.write("\r\x1b[K");
      if (!interrupted) resolve({ code: code ?? 1, out, err }); // interrupted: the signal handler ends the demo
    });
  });
}

const width = terminalWidth(process.stdout, process.env);
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);
const heading = (s) => console.log(`\n${bold(s)}`);
/** Prints text after a prefix, wrapped at word boundaries to the width, continuation lines indented. */
const say = (prefix, text) => console.log(hanging(prefix, terminalSafe(String(text)), width).join("\n"));
/** "and N more …" when a list was cut. */
const more = (n, what) => console.log(`  … and ${count(n, `more ${what}`)} (--all lists them)`);

/**
 * A table that fits the width: every column as wide as its widest cell, except `flex`, which
 * takes what is left and wraps its cells over several lines. When even that does not fit
 * (a very narrow terminal), each row becomes one wrapped line of "column: value" pairs.
 */
function table(rows, columns, flex) {
  const cells = rows.map((r) => columns.map((c) => terminalSafe(String(r[c] ?? ""))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const fi = columns.indexOf(flex);
  const fixed = 2 + widths.reduce((a, w, i) => a + (i === fi ? 0 : w), 0) + 2 * (columns.length - 1);
  const room = width - fixed;
  if (room < Math.min(widths[fi], 10)) {
    for (const row of cells) say("  - ", columns.map((c, i) => `${c}: ${row[i]}`).join(", "));
    return;
  }
  widths[fi] = Math.min(widths[fi], room);
  const print = (row) => {
    const parts = row.map((c, i) => (i === fi ? wrap(c, widths[i]) : [c]));
    const height = Math.max(...parts.map((p) => p.length));
    for (let k = 0; k < height; k++) console.log(`  ${parts.map((p, i) => (p[k] ?? "").padEnd(widths[i])).join("  ")}`.trimEnd());
  };
  print(columns);
  print(widths.map((w) => "-".repeat(w)));
  cells.forEach(print);
}

/** "3h ago" from a Flow timestamp (naive ones are UTC). */
function age(timestamp) {
  const t = parseFlowTimestamp(timestamp);
  if (t === undefined) return timestamp ? "?" : "never";
  const days = (Date.now() - t) / 86_400_000;
  return days < 1 ? `${Math.round(days * 24)}h ago` : `${Math.floor(days)}d ago`;
}

/** A summary output value in words: lists of ids cut at IDS_LIMIT, objects as key=value. */
function summaryValue(v) {
  if (Array.isArray(v)) {
    if (v.length === 0) return "none";
    const shown = opts.all ? v : v.slice(0, IDS_LIMIT);
    return `${shown.join(", ")}${shown.length < v.length ? ` (+${v.length - shown.length} more)` : ""}`;
  }
  if (v && typeof v === "object")
    return (
      Object.entries(v)
        .map(([k, n]) => `${k}=${n}`)
        .join(", ") || "none"
    );
  return String(v);
}

/** The policy violations grouped by rule, mandatory rules first; long groups cut unless --all. */
function printViolations(violations) {
  const byRule = new Map();
  const byId = (v) => Number(/(\d+)$/.exec(v.resource ?? "")?.[1] ?? Infinity);
  for (const v of [...violations].sort((a, b) => byId(a) - byId(b))) byRule.set(v.policy, [...(byRule.get(v.policy) ?? []), v]);
  heading(`Policy violations (${violations.length})`);
  if (byRule.size === 0) console.log("  none");
  const rank = ([rule, list]) => (list[0].enforcement === "mandatory" ? 0 : 1000) + (ruleOrder.includes(rule) ? ruleOrder.indexOf(rule) : 999);
  for (const [rule, list] of [...byRule].sort((a, b) => rank(a) - rank(b))) {
    console.log(`  ${rule} [${list[0].enforcement}]${list.length > 1 ? ` (${list.length})` : ""}`);
    const shown = opts.all ? list : list.slice(0, PER_RULE_LIMIT);
    // Each violation's own fix; said once when every violation shown has the same one.
    const fixes = shown.map((v) => / Fix: (.*?)( See \S+)?$/s.exec(v.message)?.[1] ?? "");
    const shared = sharedFix(fixes);
    for (const [i, v] of shown.entries()) {
      say("    - ", v.message.replace(/ Fix: .*$/s, ""));
      if (shared === undefined && fixes[i]) say("      fix: ", fixes[i]);
    }
    if (shared) say(`      ${fixLabel(shown.length)}: `, shared);
    if (shown.length < list.length) console.log(`      … and ${count(list.length - shown.length, "more violation")} of this rule (--all lists them)`);
  }
}

/**
 * The verdict, from what pulumi did: ERROR when nothing could be judged (Flow unreadable, the
 * policy file or pack config broken, pulumi failing without a violation), FAIL when the gate
 * failed on violations, PASS when it passed, and NOT GATED without the policy pack.
 */
function verdictOf(run, events, errors) {
  const mandatory = events.violations.filter((v) => v.enforcement === "mandatory").length;
  const advisory = events.violations.length - mandatory;
  const tally = `${mandatory} mandatory and ${count(advisory, "advisory finding")}`;
  const policyFileBroken = events.violations.some((v) => v.policy === "flow-policy-file-valid");
  if (policyFileBroken) return { word: "ERROR", why: "the policy file is invalid, so no rule was evaluated (see the violation above)" };
  if (run.code !== 0 && (!events.outputs || mandatory === 0))
    return { word: "ERROR", why: errors.length ? "pulumi could not complete the run (see Errors above)" : "pulumi failed without saying why" };
  if (!gated) return { word: "NOT GATED", why: "the policy pack did not run (--no-policy), so nothing was judged" };
  return { word: run.code === 0 ? "PASS" : "FAIL", why: tally };
}

let exitCode = 1;
try {
  say("pulumi-flow demo — ", `pulumi ${engine.version} (${engine.source}), ${mode} ${gated ? "with" : "without"} the policy pack`);
  if (sim) say("Flow simulator: ", `${count(sim.integrations().length, "integration")} (dataset ${datasetName}) at ${sim.url}`);
  else say("Flow tenant: ", process.env.FLOW_API_URL);
  const init = await pulumi(["stack", "init", "--secrets-provider", "passphrase"]);
  if (init.code !== 0) throw new Error(`could not create the throwaway stack:\n${init.err}`);
  // The demo lists every integration, so it asks the stack for its `integrations` output (off by default).
  const list = await pulumi(["config", "set", "flow:listIntegrations", "true"]);
  if (list.code !== 0) throw new Error(`could not configure the throwaway stack:\n${list.err}`);
  const args = mode === "up" ? ["up", "--yes", "--json"] : ["preview", "--json"];
  if (gated) args.push("--policy-pack", path.join(repo, "policies"));
  if (policyConfig && gated) args.push("--policy-pack-config", path.resolve(policyConfig));
  const run = await pulumi(args, { verb: mode === "up" ? "deploying" : "previewing", total: sim?.integrations().length });
  exitCode = run.code;
  const events = parsePreviewEvents(run.out);

  if (events.outputs) {
    const integrations = events.outputs.integrations ?? [];
    heading(`Integrations read (${integrations.length})`);
    const listed = opts.all || integrations.length <= LIST_LIMIT ? integrations : integrations.slice(0, LIST_LIMIT - 5);
    table(
      listed.map((i) => ({
        id: i.id,
        name: i.name,
        vendor: i.vendor,
        auth: i.authType ?? "?",
        hooks: i.webhooksEnabled === null ? "?" : i.webhooksEnabled ? "on" : "off",
        connection: i.connection ?? "?",
        synced: age(i.lastSynced),
      })),
      ["id", "name", "vendor", "auth", "hooks", "connection", "synced"],
      "name",
    );
    if (listed.length < integrations.length) more(integrations.length - listed.length, "integration");

    heading("Stack outputs: summary");
    for (const [k, v] of Object.entries(events.outputs.summary ?? {})) say(`  ${k.padEnd(18)} `, summaryValue(v));
  }

  if (gated && (events.outputs || events.violations.length)) printViolations(events.violations);
  const warnings = events.diagnostics.filter((d) => d.severity === "warning");
  if (warnings.length) {
    heading(`Warnings (${warnings.length})`);
    for (const d of opts.all ? warnings : warnings.slice(0, 10)) say("  ", d.message.trim());
    if (!opts.all && warnings.length > 10) more(warnings.length - 10, "warning");
  }
  // The errors pulumi reported; when it failed without a diagnostic (e.g. the pack config was
  // rejected before anything ran), its own words on stderr.
  let errors = events.diagnostics.filter((d) => d.severity === "error" && !/^(preview|update) failed/.test(d.message.trim())).map((d) => d.message.trim());
  if (!errors.length && exitCode !== 0 && !events.outputs) errors = run.err.trim() ? run.err.trim().split("\n") : [];
  if (errors.length) {
    heading("Errors");
    for (const e of errors) say("  ", e);
  }
  const verdict = verdictOf(run, events, errors);
  const read = events.outputs ? count((events.outputs.integrations ?? []).length, "integration") : "no integrations";
  const line = `${read} read; ${verdict.why}; pulumi ${mode} exited ${exitCode}`;
  console.log(`\n${hanging(`verdict: ${verdict.word} — `, line, width, { prefix: bold }).join("\n")}`);
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  exitCode = exitCode || 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
