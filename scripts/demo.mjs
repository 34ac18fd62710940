#!/usr/bin/env node
// The main job (`npm run demo`): starts the Flow simulator, reads every integration into a
// throwaway local-backend stack of the root project, runs the pulumi-flow policy pack, and
// shows the integrations, the stack outputs, the violations by rule and a verdict. The exit
// code is the gate's (pulumi's). Run with --help for the options.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { ensureEngine, offlineEnv } from "../tools/engine/bootstrap.mjs";

const USAGE = `Usage: npm run demo -- [options]

  --up                   run \`pulumi up\` instead of \`pulumi preview\` (env FLOW_DEMO_MODE=up)
  --dataset NAME         simulator dataset: demo (default), published, empty, generated:N
                         (env FLOW_DEMO_DATASET); published = Flow's documented example and variants
  --policy-config FILE   pass FILE as --policy-pack-config, e.g. examples/policy/policy-config.json
                         (env FLOW_DEMO_POLICY_CONFIG)
  --policy-file FILE     use FILE as the YAML policy file (env FLOW_POLICY_FILE)
  --no-policy            run without the policy pack
  -h, --help             show this help

With FLOW_API_URL and FLOW_API_TOKEN set, the demo reads that Flow tenant instead of the simulator.
`;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      up: { type: "boolean" },
      dataset: { type: "string" },
      "policy-config": { type: "string" },
      "policy-file": { type: "string" },
      "no-policy": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (e) {
  console.error(`demo: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const mode = opts.up || process.env.FLOW_DEMO_MODE === "up" ? "up" : "preview";
const policyConfig = opts["policy-config"] ?? process.env.FLOW_DEMO_POLICY_CONFIG;
const policyFile = opts["policy-file"] ?? process.env.FLOW_POLICY_FILE;
for (const [flag, file] of [
  ["--policy-config", policyConfig],
  ["--policy-file", policyFile],
]) {
  if (file && !fs.existsSync(path.resolve(file))) {
    console.error(`demo: ${flag} ${file}: no such file`);
    process.exit(2);
  }
}

const { parsePreviewEvents } = require("../dist/pulumi/events.js");
const ruleOrder = require("../dist/rules/index.js").rules.map((r) => r.id);
const { parseFlowTimestamp } = require("../dist/api/time.js");
const { terminalSafe } = require("../dist/api/ingest.js");
const { count, fixLabel, sharedFix } = require("../dist/cli/terminal.js");
const engine = ensureEngine({ quiet: true });
const realTenant = Boolean(process.env.FLOW_API_URL && process.env.FLOW_API_TOKEN);
const sim = realTenant
  ? undefined
  : await require("../dist/simulator/server.js").startFlowSimulator({ port: 0, dataset: opts.dataset ?? process.env.FLOW_DEMO_DATASET ?? "demo" });
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

function pulumi(args) {
  return new Promise((resolve, reject) => {
    if (interrupted) return; // the signal handler is cleaning up and ends the demo
    child = spawn(engine.pulumi, [...args, "--non-interactive", "--stack", stack], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (interrupted ? undefined : resolve({ code: code ?? 1, out, err }))); // interrupted: the signal handler ends the demo
  });
}

const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);
const heading = (s) => console.log(`\n${bold(s)}`);

function table(rows, columns) {
  const cell = (v) => terminalSafe(String(v ?? ""));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells) => `  ${cells.map((c, i) => cell(c).padEnd(widths[i])).join("  ")}`.trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(columns.map((c) => r[c])));
}

/** "3h ago" from a Flow timestamp (naive ones are UTC). */
function age(timestamp) {
  const t = parseFlowTimestamp(timestamp);
  if (t === undefined) return timestamp ? "?" : "never";
  const days = (Date.now() - t) / 86_400_000;
  return days < 1 ? `${Math.round(days * 24)}h ago` : `${Math.floor(days)}d ago`;
}

let exitCode = 1;
try {
  console.log(`pulumi-flow demo — pulumi ${engine.version} (${engine.source}), ${mode}${opts["no-policy"] ? "" : " with the policy pack"}`);
  console.log(sim ? `Flow simulator: ${count(sim.integrations().length, "integration")} at ${sim.url}` : `Flow tenant: ${process.env.FLOW_API_URL}`);
  const init = await pulumi(["stack", "init", "--secrets-provider", "passphrase"]);
  if (init.code !== 0) throw new Error(`could not create the throwaway stack:\n${init.err}`);
  const args = mode === "up" ? ["up", "--yes", "--json"] : ["preview", "--json"];
  if (!opts["no-policy"]) args.push("--policy-pack", path.join(repo, "policies"));
  if (policyConfig && !opts["no-policy"]) args.push("--policy-pack-config", path.resolve(policyConfig));
  const run = await pulumi(args);
  exitCode = run.code;
  const events = parsePreviewEvents(run.out);

  const integrations = events.outputs?.integrations ?? [];
  heading(`Integrations read (${integrations.length})`);
  table(
    integrations.map((i) => ({
      id: i.id,
      name: i.name,
      vendor: i.vendor,
      auth: i.authType ?? "?",
      webhooks: i.webhooksEnabled === null ? "?" : i.webhooksEnabled ? "on" : "off",
      connection: i.connection ?? "?",
      "last sync": age(i.lastSynced),
    })),
    ["id", "name", "vendor", "auth", "webhooks", "connection", "last sync"],
  );

  heading("Stack outputs: summary");
  for (const [k, v] of Object.entries(events.outputs?.summary ?? {})) console.log(`  ${k.padEnd(18)} ${JSON.stringify(v)}`);

  if (!opts["no-policy"]) {
    const byRule = new Map();
    for (const v of events.violations) byRule.set(v.policy, [...(byRule.get(v.policy) ?? []), v]);
    heading(`Policy violations (${events.violations.length})`);
    if (byRule.size === 0) console.log("  none");
    const rank = ([rule, list]) => (list[0].enforcement === "mandatory" ? 0 : 1000) + (ruleOrder.includes(rule) ? ruleOrder.indexOf(rule) : 999);
    for (const [rule, list] of [...byRule].sort((a, b) => rank(a) - rank(b))) {
      console.log(`  ${rule} [${list[0].enforcement}]`);
      // Each violation's own fix; said once when every violation of the rule has the same one.
      const fixes = list.map((v) => / Fix: (.*?)( See \S+)?$/s.exec(v.message)?.[1] ?? "");
      const shared = sharedFix(fixes);
      for (const [i, v] of list.entries()) {
        console.log(`    - ${terminalSafe(v.message.replace(/ Fix: .*$/s, ""))}`);
        if (shared === undefined && fixes[i]) console.log(`      fix: ${terminalSafe(fixes[i])}`);
      }
      if (shared) console.log(`      ${fixLabel(list.length)}: ${terminalSafe(shared)}`);
    }
  }
  const warnings = events.diagnostics.filter((d) => d.severity === "warning");
  if (warnings.length) {
    heading(`Warnings (${warnings.length})`);
    for (const d of warnings) console.log(`  ${d.message.trim()}`);
  }
  const problems = events.diagnostics.filter((d) => d.severity === "error" && !/^(preview|update) failed/.test(d.message.trim()));
  if (problems.length || (exitCode !== 0 && !events.outputs)) {
    heading("Errors");
    for (const d of problems) console.log(`  ${d.message.trim()}`);
    if (!problems.length) console.log(`  ${run.err.trim() || "pulumi failed without a diagnostic"}`);
  }
  const mandatory = events.violations.filter((v) => v.enforcement === "mandatory").length;
  const advisory = events.violations.length - mandatory;
  console.log(
    `\n${bold(`verdict: ${exitCode === 0 ? "PASS" : "FAIL"}`)} — ${count(integrations.length, "integration")}, ${mandatory} mandatory and ${advisory} advisory ${mandatory + advisory === 1 ? "finding" : "findings"}; pulumi ${mode} exited ${exitCode}`,
  );
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  exitCode = exitCode || 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
