#!/usr/bin/env node
// `npm run setup:browser`: makes Debian's `chromium` package available for the browser test of
// the HTML report (test/integration/cli/html-browser.test.ts) and scripts/screenshot-report.mjs.
// Installs it with apt-get when it is missing (needs root, as CI has); otherwise says what to run.
// With --optional (how `npm test` calls it), a Chromium that cannot be had is a warning outside CI
// (the browser test is then skipped, saying so) and an error with CI=true.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";

const chromium = process.env.PULUMI_FLOW_CHROMIUM || "/usr/bin/chromium";
const optional = process.argv.includes("--optional") && process.env.CI !== "true";
/** Gives up: an error, or with --optional outside CI a warning. */
function unavailable(message) {
  console.error(`setup:browser: ${message}${optional ? " (the HTML report's browser test will be skipped)" : ""}`);
  process.exit(optional ? 0 : 1);
}
const version = () => execFileSync(chromium, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();

if (fs.existsSync(chromium)) {
  console.log(`setup:browser: ${version()} at ${chromium}`);
  process.exit(0);
}
if (process.env.PULUMI_FLOW_CHROMIUM) {
  unavailable(`PULUMI_FLOW_CHROMIUM=${chromium} does not exist`);
}
if (process.getuid?.() !== 0 || !fs.existsSync("/usr/bin/apt-get")) {
  unavailable("Chromium is missing; install Debian's package as root: apt-get update && apt-get install -y chromium");
}
const apt = (args) => spawnSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).status === 0;
console.log("setup:browser: installing Debian's chromium package (apt-get)");
if (!apt(["update", "-qq"]) || !apt(["install", "-y", "-qq", "chromium"]) || !fs.existsSync(chromium)) {
  unavailable("apt-get could not install chromium (see above)");
}
console.log(`setup:browser: ${version()} at ${chromium}`);
