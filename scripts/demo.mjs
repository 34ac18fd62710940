#!/usr/bin/env node
// The main job: starts the Flow simulator (demo dataset, unless FLOW_API_URL and
// FLOW_API_TOKEN point at a real tenant), runs the root audit stack against a throwaway
// local-backend stack, and shows what Pulumi read. Set FLOW_DEMO_MODE=up to deploy instead
// of previewing, FLOW_DEMO_DATASET to use another simulator dataset.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { ensureEngine } from "./engine.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const engine = ensureEngine({ quiet: true });
const require = createRequire(import.meta.url);
const realTenant = Boolean(process.env.FLOW_API_URL && process.env.FLOW_API_TOKEN);
const sim = realTenant
  ? undefined
  : await require("../dist/simulator/server.js").startFlowSimulator({ port: 0, dataset: process.env.FLOW_DEMO_DATASET ?? "demo" });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-demo-"));
const stack = `demo-${process.pid}`;
const env = {
  ...process.env,
  PATH: `${engine.binDir}${path.delimiter}${process.env.PATH}`,
  PULUMI_BACKEND_URL: `file://${work}`,
  PULUMI_HOME: path.join(work, ".pulumi-home"),
  PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
  PULUMI_SKIP_UPDATE_CHECK: "true",
  ...(sim ? { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token } : {}),
};
let child;
let cleaned = false;

function cleanup() {
  if (cleaned) return;
  cleaned = true;
  child?.kill("SIGTERM");
  void sim?.close();
  fs.rmSync(path.join(repo, `Pulumi.${stack}.yaml`), { force: true });
  fs.rmSync(work, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

function pulumi(args, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    child = spawn(engine.pulumi, [...args, "--non-interactive", "--stack", stack], {
      cwd: repo,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

let exitCode = 1;
try {
  console.log(`pulumi-flow demo — engine pulumi ${engine.version} (${engine.source})`);
  console.log(sim ? `Flow simulator (${sim.integrations().length} integrations) at ${sim.url}` : `Flow tenant: ${process.env.FLOW_API_URL}`);
  const init = await pulumi(["stack", "init", "--secrets-provider", "passphrase"], { capture: true });
  if (init.code !== 0) throw new Error("could not create the throwaway stack");
  const verb = process.env.FLOW_DEMO_MODE === "up" ? ["up", "--yes"] : ["preview"];
  const run = await pulumi(verb);
  exitCode = run.code;
  console.log(exitCode === 0 ? "verdict: PASS" : `verdict: FAIL (pulumi exited ${exitCode})`);
} catch (e) {
  console.error(`demo failed: ${e.message}`);
} finally {
  cleanup();
}
process.exit(exitCode);
