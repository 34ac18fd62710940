/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditReport } from "../../../src/cli/report";
import { generatedDataset } from "../../../src/simulator/datasets";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";
import { CHROMIUM, hasChromium, launchChromium, NO_CHROMIUM } from "../../helpers/browser";
import { flowAudit } from "../../helpers/cli";
import { repoRoot } from "../../helpers/paths";

// The HTML report in a real browser (Debian's chromium, driven through the DevTools protocol by
// puppeteer-core): 1,000 integrations, some with hostile names and messages, two runs in a
// history directory, opened from file://. In CI a missing Chromium fails the test; elsewhere it is
// skipped with the command that installs it. No wall-clock assertion: the render time is printed
// (and measured by `npm run bench -- --only html`).
const CI = process.env.CI === "true";
const HOSTILE = {
  script: `</script><script>window.__pwned=1</script>`,
  img: `<img src=x onerror="window.__pwned=1">`,
  js: "javascript:window.__pwned=1",
  escapes: "Escapes \u001b[31mred\u001b[0m \\u003c/script\\u003e \u2028 &amp; done",
};
const SCREENSHOT = path.join(repoRoot, ".test-results", "html-report.png");

describe.skipIf(!hasChromium() && !CI)("the HTML report in Chromium", () => {
  let sim: FlowSimulator;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let report: AuditReport;
  let html: string;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`CI=true and the browser test cannot run: ${NO_CHROMIUM}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flow-html-"));
    const records = generatedDataset(1000);
    const named = (i: number, name: string) => (records[i].integration.name = name);
    named(0, HOSTILE.script);
    named(1, HOSTILE.img);
    named(2, HOSTILE.js);
    named(3, HOSTILE.escapes);
    records[4].connectionStatus = { ...records[4].connectionStatus, status: "disconnected", connected: false, message: `${HOSTILE.img} ${HOSTILE.script}` };
    sim = await startFlowSimulator({ dataset: records, maxPageSize: 1000 });
    fs.writeFileSync(
      path.join(dir, "flow-policy.yaml"),
      [
        "exceptions:",
        "  - rule: flow-integration-connected",
        `    integrations: [${records[4].integration.id}]`,
        `    reason: '${HOSTILE.script} migration'`,
        "    expires: 2099-12-31",
        "",
      ].join("\n"),
    );
    const env = { FLOW_API_URL: sim.url, FLOW_API_TOKEN: sim.token };
    const first = await flowAudit(["--quiet", "--history-dir", "history", "--format", "json"], env, dir);
    expect(first.code, first.stderr).toBe(1);
    // Between the runs, as an admin would in Flow: one integration removed, one changed.
    sim.removeIntegration(records[10].integration.id);
    sim.updateIntegration(records[11].integration.id, { webhooks_enabled: false });
    const second = await flowAudit(["--quiet", "--history-dir", "history", "--fail-on", "never", "--output", "html=report.html", "--format", "json"], env, dir);
    expect(second.code, second.stderr).toBe(0);
    report = JSON.parse(second.stdout) as AuditReport;
    html = fs.readFileSync(path.join(dir, "report.html"), "utf8");

    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.setRequestInterception(true);
    const own = pathToFileURL(path.join(dir, "report.html")).href;
    page.on("request", (r) => {
      if (r.url() === own) return void r.continue();
      requests.push(r.url());
      void r.abort();
    });
    await page.goto(own, { waitUntil: "load", timeout: 120_000 });
    await page.waitForSelector("html[data-ready]", { timeout: 120_000 });
    const ready = await page.evaluate(() => performance.getEntriesByName("report-ready")[0]?.startTime);
    console.log(
      `html report: ${(Buffer.byteLength(html) / 1024).toFixed(0)} KB for 1,000 integrations, rendered in ${ready?.toFixed(0)} ms (navigation start → report-ready) in ${CHROMIUM}`,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The visible finding rows: rule, severity, disposition and the integration cell's first line. */
  const rows = () =>
    page.$$eval("#findings-table tbody tr", (trs) =>
      trs.map((tr) => ({
        rule: tr.getAttribute("data-rule"),
        severity: tr.getAttribute("data-severity"),
        disposition: tr.getAttribute("data-disposition"),
        who: tr.querySelector("td.who")?.firstChild?.textContent ?? "",
        text: tr.textContent ?? "",
      })),
    );
  const select = async (id: string, value: string) => {
    await page.select(id, value);
  };
  /** Every filter back to its default, as a user would set it (events included). */
  const reset = () =>
    page.evaluate(() => {
      for (const s of document.querySelectorAll<HTMLSelectElement>(".filters select")) {
        s.value = "";
        s.dispatchEvent(new Event("change"));
      }
      const quiet = document.querySelector<HTMLInputElement>("#filter-quiet")!;
      if (quiet.checked) quiet.click();
      const text = document.querySelector<HTMLInputElement>("#filter-text")!;
      text.value = "";
      text.dispatchEvent(new Event("input"));
    });

  it("is one file under 2 MB that loads nothing, logs no error and runs no injected script", async () => {
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval("img", (e) => e.length)).toBe(0);
    expect(await page.$$eval("script", (e) => e.length)).toBe(2);
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  });

  it("states the verdict and the counts of the JSON report of the same run", async () => {
    expect(await page.$eval("#verdict", (e) => e.textContent)).toContain("FAILED (NOT ENFORCED)");
    const text = await page.$eval("body", (e) => e.textContent ?? "");
    expect(text).toContain(`${report.summary.integrations} integrations`);
    expect(await page.$eval("#run-meta", (e) => e.textContent)).toContain(sim.url);
  });

  it("shows open mandatory violations as failing, marked not enforced, under --fail-on never", async () => {
    await reset();
    await select("#filter-disposition", "failing");
    const failing = await rows();
    expect(report.summary).toMatchObject({ enforced: false, passed: false });
    expect(failing.length).toBe(Math.min(500, report.summary.failing));
    expect(failing.filter((r) => !r.text.startsWith("failing not enforced"))).toEqual([]);
    expect(await page.$eval("#not-enforced-note", (e) => e.textContent)).toContain("--fail-on never");
    expect(await page.$eval("#policy-line", (e) => e.textContent)).toContain("not enforced");
  });

  it("shows hostile names, messages and reasons as literal text", async () => {
    await reset();
    await page.type("#filter-text", "__pwned");
    const hits = await rows();
    const all = hits.map((r) => r.text).join("\n");
    expect(all).toContain(HOSTILE.script);
    expect(all).toContain(HOSTILE.img);
    expect(all).toContain(HOSTILE.js);
    expect(await page.$eval("#exceptions-table", (e) => e.textContent)).toContain(`${HOSTILE.script} migration`);
    expect(await page.$$eval("a", (as) => as.map((a) => a.getAttribute("href")).filter((h) => !/^https?:\/\//.test(h ?? "")))).toEqual([]);
    // The name as flow-audit read it (the client drops terminal control characters where text enters), shown as it is.
    const escapes = report.findings.find((f) => f.integration?.name.startsWith("Escapes"))!.integration!.name;
    expect(escapes).toContain("\\u003c/script\\u003e");
    await reset();
    await page.type("#filter-text", "Escapes");
    expect((await rows()).map((r) => r.who)).toContain(escapes);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it("filters by rule, severity and text, and sorts by a column", async () => {
    const open = (f: AuditReport["findings"][number]) => f.status === "violation" || f.status === "error";
    await reset();
    await select("#filter-rule", "flow-integration-allowed-auth-type");
    let shown = await rows();
    const expected = report.findings.filter((f) => f.ruleId === "flow-integration-allowed-auth-type" && open(f)).length;
    expect(shown.length).toBe(expected);
    expect(new Set(shown.map((r) => r.rule))).toEqual(new Set(["flow-integration-allowed-auth-type"]));

    await select("#filter-rule", "");
    await select("#filter-severity", "critical");
    shown = await rows();
    expect(shown.length).toBe(report.findings.filter((f) => f.severity === "critical" && open(f)).length);
    expect(new Set(shown.map((r) => r.severity))).toEqual(new Set(["critical"]));

    await page.click("#filter-quiet");
    shown = await rows();
    expect(shown.length).toBe(Math.min(500, report.findings.filter((f) => f.severity === "critical").length));

    await page.type("#filter-text", "00017");
    shown = await rows();
    expect(shown.map((r) => r.who)).toEqual([
      report.findings.find((f) => f.severity === "critical" && f.integration?.name.endsWith("00017"))!.integration!.name,
    ]);

    await reset();
    await select("#filter-rule", "flow-integration-webhooks-enabled");
    await page.click('th[data-sort="integration"]');
    const names = (await rows()).map((r) => r.who.toLowerCase());
    expect(names.length).toBeGreaterThan(10);
    expect(names).toEqual([...names].sort());
    await page.click('th[data-sort="integration"]');
    const reversed = (await rows()).map((r) => r.who.toLowerCase());
    expect(reversed).toEqual([...names].reverse());
    expect(await page.$eval('th[data-sort="integration"]', (e) => e.getAttribute("aria-sort"))).toBe("descending");
  });

  it("charts the two runs of the history directory and shows what changed since the previous one", async () => {
    expect(await page.$eval("#history-note", (e) => e.textContent)).toContain("2 runs from history");
    expect(await page.$$eval("#history svg.chart polyline", (e) => e.length)).toBe(4);
    const diff = await page.$eval("#history-diff", (e) => e.textContent ?? "");
    expect(diff).toContain("Integrations removed (1)");
    expect(diff).toContain("Findings appeared");
    expect(fs.readdirSync(path.join(dir, "history"))).toHaveLength(2);
  });
});
