// Benchmark child: the obvious alternative — plain fetch, one request at a time, the API's
// default page size (no `limit`), then one connection-status call after another.
// argv: baseUrl token
import { createHash } from "node:crypto";

const [baseUrl, token] = process.argv.slice(2);
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
for (let url = `${baseUrl}/integrations`; url; ) {
  const page = await get(url);
  integrations.push(...page.results);
  url = page.next;
}
const records = [];
for (const integration of integrations) records.push({ integration, connectionStatus: await get(`${baseUrl}/integrations/${integration.id}/connection_status`) });
const wallMs = performance.now() - started;
const digest = createHash("sha256")
  .update(JSON.stringify(records.map((r) => [r.integration.id, r.connectionStatus?.status ?? null]).sort((a, b) => a[0] - b[0])))
  .digest("hex");
process.stdout.write(`${JSON.stringify({ wallMs, records: records.length, requests, digest, maxRssKb: process.resourceUsage().maxRSS })}\n`);
