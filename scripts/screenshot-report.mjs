#!/usr/bin/env node
// Writes docs/images/html-report.png, the README's picture of the HTML report: flow-audit's
// HTML report on the bundled simulator's demo data after adopting the gate with a baseline (three
// runs kept with --history-dir), opened from file:// in Chromium at 1280×800.
// Needs `npm run build` and Chromium (`npm run setup:browser`).
//
//   node scripts/screenshot-report.mjs [output.png]
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const out = path.resolve(process.argv[2] ?? path.join(repo, "docs", "images", "html-report.png"));
const chromium = process.env.PULUMI_FLOW_CHROMIUM || "/usr/bin/chromium";
if (!fs.existsSync(chromium)) {
  console.error(`screenshot-report: no Chromium at ${chromium}; run npm run setup:browser`);
  process.exit(1);
}
const { startFlowSimulator } = require("../dist/simulator/server.js");
const { default: puppeteer } = await import("puppeteer-core");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-screenshot-"));
const sim = await startFlowSimulator({ dataset: "demo" });
try {
  const html = path.join(dir, "flow-audit.html");
  // Not spawnSync: the simulator answers from this process's event loop.
  const audit = (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(repo, "dist", "cli", "bin.js"), "--quiet", "--history-dir", "history", ...args], {
        cwd: dir,
        env: { ...process.env, FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token, FLOW_POLICY_FILE: "" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stderr }));
    });
  // The adoption story of docs/ci.md: a baseline of the demo tenant's findings; one of them fixed;
  // then a new one (the gate fails on it alone). Each run adds to the history the report charts.
  const expires = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  const runs = [
    ["--write-baseline", "flow-baseline.json", "--baseline-expires", expires],
    ["--baseline", "flow-baseline.json"],
  ];
  for (const [i, args] of runs.entries()) {
    const r = await audit(args);
    if (r.status === null || r.status > 1) throw new Error(`flow-audit exited ${r.status}: ${r.stderr}`);
    if (i === 0) sim.setConnectionStatus(105, { status: "connected", connected: true });
  }
  sim.setConnectionStatus(101, { status: "disconnected", connected: false, message: "token revoked" });
  const r = await audit(["--baseline", "flow-baseline.json", "--output", `html=${html}`, "--format", "json"]);
  if (r.status !== 1 || !fs.existsSync(html)) throw new Error(`flow-audit exited ${r.status}: ${r.stderr}`);
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    await page.goto(pathToFileURL(html).href, { waitUntil: "load" });
    await page.waitForSelector("html[data-ready]");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
  }
  console.log(`screenshot-report: wrote ${path.relative(process.cwd(), out)} (${Math.round(fs.statSync(out).size / 1024)} KB)`);
} finally {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
