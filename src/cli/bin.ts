#!/usr/bin/env node
import { runAudit } from "./main";

// A failed write to stdout (a full disk, a closed pipe) reaches runAudit through the write
// callbacks, which turn it into exit code 2; without a listener it would also crash the process.
process.stdout.on("error", () => undefined);

runAudit(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`flow-audit: ${String(e)}\n`);
    process.exitCode = 3;
  },
);
