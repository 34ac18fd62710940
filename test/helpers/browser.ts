import * as fs from "node:fs";
import type { Browser } from "puppeteer-core";

/** Where the tests look for Chromium: PULUMI_FLOW_CHROMIUM, else Debian's `chromium` package. */
export const CHROMIUM = process.env.PULUMI_FLOW_CHROMIUM || "/usr/bin/chromium";

/** True when Chromium is there to drive. */
export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** Why a browser test cannot run here, and how to fix it. */
export const NO_CHROMIUM = `Chromium is not installed at ${CHROMIUM}: run \`npm run setup:browser\` (installs Debian's chromium package with apt-get, as root) or set PULUMI_FLOW_CHROMIUM to a Chromium binary`;

/** Starts the system Chromium headless through puppeteer-core (no sandbox when running as root, as CI does). */
export async function launchChromium(): Promise<Browser> {
  const { default: puppeteer } = await import("puppeteer-core");
  const root = process.getuid?.() === 0;
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    protocolTimeout: 180_000,
    args: [...(root ? ["--no-sandbox"] : []), "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check"],
  });
}
