// Benchmark child: reads the inventory with plain fetch, for comparison with the client.
//   naive: the obvious approach — one request at a time, the API's default page size (no
//          `limit`), then one connection-status call after another.
//   floor: the transport's floor — the same page size and concurrency as the client, but no
//          validation, retries, timeouts or origin checks.
// argv: mode baseUrl token [pageSize concurrency]
import { createHash } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pLimit = require("p-limit");
const [mode, baseUrl, token, pageSize, concurrency] = process.argv.slice(2);
const headers = { authorization: `Bearer ${token}` };
let requests = 0;
async function get(url) {
  requests++;
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  return res.json();
}
const started = performance.now();
const integrations = [];
for (let url = `${baseUrl}/integrations${mode === "floor" ? `?limit=${pageSize}` : ""}`; url;) {
  const page = await get(url);
  integrations.push(...page.results);
  url = page.next;
}
let records;
if (mode === "floor") {
  const limit = pLimit(Number(concurrency));
  records = await Promise.all(
    integrations.map((integration) =>
      limit(async () => ({ integration, connectionStatus: await get(`${baseUrl}/integrations/${integration.id}/connection_status`) })),
    ),
  );
} else {
  records = [];
  for (const integration of integrations)
    records.push({ integration, connectionStatus: await get(`${baseUrl}/integrations/${integration.id}/connection_status`) });
}
const wallMs = performance.now() - started;
const digest = createHash("sha256")
  .update(JSON.stringify(records.map((r) => [r.integration.id, r.connectionStatus?.status ?? null]).sort((a, b) => a[0] - b[0])))
  .digest("hex");
process.stdout.write(`${JSON.stringify({ wallMs, records: records.length, requests, digest, maxRssKb: process.resourceUsage().maxRSS })}\n`);
