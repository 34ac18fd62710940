/**
 * The HTML report's only script (allowed by its hash in the page's Content-Security-Policy),
 * bundled by esbuild into one classic script, dist/cli/reporters/html/page.js. It reads the
 * JSON in #report-data (`ReportPageData`, data.ts) and builds every element from it with
 * textContent and setAttribute (dom.ts): data never reaches innerHTML, and only http(s) URLs
 * become links. One module per section of the page.
 */
import { renderBaseline, renderExceptions } from "./baseline";
import { renderChanges } from "./changes";
import type { ReportPageData } from "./data";
import { decode } from "./decode";
import { byId } from "./dom";
import { renderFindings } from "./findings";
import { renderHeader } from "./header";
import { renderRun, renderWarnings } from "./run";
import { renderSummary } from "./summary";

const D = JSON.parse(byId("report-data").textContent ?? "") as ReportPageData;
const decoded = decode(D);
renderHeader(D);
renderSummary(D, decoded);
renderFindings(D, decoded);
renderExceptions(decoded);
renderBaseline(D, decoded);
renderChanges(D);
renderWarnings(D);
renderRun(D);
performance.mark("report-ready");
document.documentElement.setAttribute("data-ready", "1");
