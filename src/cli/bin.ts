#!/usr/bin/env node
import { runAudit } from "./main";

runAudit(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`flow-audit: ${String(e)}\n`);
    process.exitCode = 3;
  },
);
