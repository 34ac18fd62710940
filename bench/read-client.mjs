// Benchmark child: reads the inventory through pulumi-flow's client and prints one JSON line.
// argv: baseUrl token concurrency
import { createRequire } from "node:module";
import { createHash } from "node:crypto";

const require = createRequire(import.meta.url);
const { createFlowClient } = require("../dist/api/client.js");
const [baseUrl, token, concurrency] = process.argv.slice(2);
const waits = { list: 0, status: 0, longestStatus: 0 };
const perUrl = new Map();
const client = createFlowClient({
  baseUrl,
  token,
  concurrency: Number(concurrency),
  sleep: (ms, { operation, url }) => {
    waits[operation === "listIntegrations" ? "list" : "status"] += ms;
    if (operation !== "listIntegrations") {
      perUrl.set(url, (perUrl.get(url) ?? 0) + ms);
      waits.longestStatus = Math.max(waits.longestStatus, perUrl.get(url));
    }
    return new Promise((r) => setTimeout(r, ms));
  },
});
const started = performance.now();
const records = await client.getInventory();
const wallMs = performance.now() - started;
const digest = createHash("sha256")
  .update(JSON.stringify(records.map((r) => [r.integration.id, r.connectionStatus?.status ?? null]).sort((a, b) => a[0] - b[0])))
  .digest("hex");
process.stdout.write(
  `${JSON.stringify({ wallMs, records: records.length, statuses: records.filter((r) => r.connectionStatus).length, requests: client.stats.requests, retries: client.stats.retries, waits, digest, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
