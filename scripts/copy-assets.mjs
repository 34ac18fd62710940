#!/usr/bin/env node
// Build step after tsc: copies the assets the compiled code reads at run time into dist/, and
// links this package into its own node_modules so Pulumi programs in this repository (the
// root audit stack, examples, e2e fixtures) import it by name, exactly as users do.
import * as fs from "node:fs";

fs.mkdirSync("dist/api", { recursive: true });
fs.copyFileSync("src/api/openapi.yaml", "dist/api/openapi.yaml");
fs.copyFileSync("src/cli/report.schema.json", "dist/cli/report.schema.json");
fs.chmodSync("dist/simulator/bin.js", 0o755);
fs.chmodSync("dist/cli/bin.js", 0o755);

const link = "node_modules/pulumi-flow";
let current;
try {
  current = fs.readlinkSync(link);
} catch {
  current = undefined;
}
if (current !== "..") {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync("..", link, "dir");
}
