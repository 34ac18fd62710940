#!/usr/bin/env node
// `npm run setup:browser`: makes Debian's `chromium` package available for the browser test of
// the HTML report (test/integration/cli/html-browser.test.ts) and scripts/screenshot-report.mjs.
// Installs it with apt-get when it is missing (needs root, as CI has); otherwise says what to run.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";

const chromium = process.env.PULUMI_FLOW_CHROMIUM || "/usr/bin/chromium";
const version = () => execFileSync(chromium, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

if (fs.existsSync(chromium)) {
  console.log(`setup:browser: ${version()} at ${chromium}`);
  process.exit(0);
}
if (process.env.PULUMI_FLOW_CHROMIUM) {
  console.error(`setup:browser: PULUMI_FLOW_CHROMIUM=${chromium} does not exist`);
  process.exit(1);
}
if (process.getuid?.() !== 0 || !fs.existsSync("/usr/bin/apt-get")) {
  console.error("setup:browser: Chromium is missing; install Debian's package as root: apt-get update && apt-get install -y chromium");
  process.exit(1);
}
const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
console.log("setup:browser: installing Debian's chromium package (apt-get)");
if (!apt(["update", "-qq"]) || !apt(["install", "-y", "-qq", "chromium"]) || !fs.existsSync(chromium)) {
  console.error("setup:browser: apt-get could not install chromium (see above)");
  process.exit(1);
}
console.log(`setup:browser: ${version()} at ${chromium}`);
