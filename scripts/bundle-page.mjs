// Bundles the HTML report's page (src/cli/reporters/html/page.ts and the modules it imports)
// into the one classic script the report embeds: dist/cli/reporters/html/page.js. Run by
// copy-assets.mjs in `npm run build`, and by the unit tests' global setup (test/helpers/page-setup.ts)
// so that reports rendered from the sources embed the current page.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the bundle is written. */
export const PAGE_SCRIPT = path.join(repo, "dist", "cli", "reporters", "html", "page.js");

/** Writes the page's script: an IIFE for browsers (any Node.js module it reached would fail the build), not minified, readable in the report. */
export async function bundlePage(outfile = PAGE_SCRIPT) {
  await build({
    entryPoints: [path.join(repo, "src", "cli", "reporters", "html", "page.ts")],
    outfile,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    charset: "utf8",
    legalComments: "none",
    logLevel: "warning",
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundlePage();
