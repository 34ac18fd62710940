#!/usr/bin/env node
import { fullCollection, keepYoungGenerationSmall } from "./heap";
import { runAudit } from "./main";

keepYoungGenerationSmall();

/**
 * How long flow-audit may take to exit once its verdict is printed: anything still holding the
 * process then (a socket or timer of a hostile exchange nobody waits for any more) does not
 * outlive the run by more than this. Writes to stdout and stderr are synchronous for files and
 * pipes on Linux and macOS, so nothing printed is lost.
 */
const EXIT_GRACE_MS = 2_000;

// A failed write to stdout (a full disk, a closed pipe) reaches runAudit through the write
// callbacks, which turn it into exit code 2; without a listener it would also crash the process.
process.stdout.on("error", () => undefined);

function finish(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

runAudit(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  afterRead: fullCollection(),
}).then(finish, (e) => {
  process.stderr.write(`flow-audit: ${String(e)}\n`);
  finish(3);
});
