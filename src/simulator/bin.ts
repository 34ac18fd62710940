#!/usr/bin/env node
import { parseArgs } from "node:util";
import { count } from "../api/text";
import { startFlowSimulator } from "./server";

const usage = `Usage: flow-simulator [options]

Serves the Flow Integrations API (list, get, connection_status) on loopback for demos and tests.

Options:
  --port N            port to listen on (default 0: any free port)
  --host HOST         loopback address to bind (default 127.0.0.1)
  --dataset NAME      demo | published | empty | generated:N (default demo)
  --token TOKEN       API token to accept (default: FLOW_SIMULATOR_TOKEN or flow-simulator-token)
  --latency MS        latency added to every response (default 0)
  --max-page-size N   largest page served (default 100)
  --json              print {"url","token","port"} as one JSON line instead of prose
  -h, --help          show this help
`;

/** A word for a POSIX shell: as is when it has nothing the shell would interpret, else single-quoted. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** What the bin prints: where it listens, the token, and a flow-audit command ready to paste. */
function banner(url: string, token: string, integrations: number): string {
  return [
    `Flow simulator (${count(integrations, "integration")}) listening on ${url}`,
    `API token: ${token}`,
    "",
    "Audit it from another terminal, in this clone (after npm run build) or in a project where",
    "pulumi-flow is installed:",
    "",
    `  FLOW_API_URL=${shellWord(url)} FLOW_API_TOKEN=${shellWord(token)} npx flow-audit`,
    "",
    "Ctrl-C stops the simulator.",
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        dataset: { type: "string" },
        token: { type: "string" },
        latency: { type: "string" },
        "max-page-size": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    process.stderr.write(`flow-simulator: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage);
    return;
  }
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) {
      process.stderr.write(`flow-simulator: --${name} must be a non-negative integer (got "${v}")\n`);
      process.exit(2);
    }
    return Number(v);
  };
  const sim = await startFlowSimulator({
    port: num("port", values.port),
    host: values.host,
    dataset: values.dataset,
    token: values.token ?? process.env.FLOW_SIMULATOR_TOKEN,
    latencyMs: num("latency", values.latency),
    maxPageSize: num("max-page-size", values["max-page-size"]),
  });
  if (values.json) process.stdout.write(JSON.stringify({ url: sim.url, token: sim.token, port: sim.port }) + "\n");
  else process.stdout.write(banner(sim.url, sim.token, sim.integrations().length));
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e) => {
  process.stderr.write(`flow-simulator: ${(e as Error).message}\n`);
  process.exit(1);
});
