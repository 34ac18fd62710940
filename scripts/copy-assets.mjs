#!/usr/bin/env node
// Copies non-TypeScript assets the compiled code reads at run time into dist/.
import * as fs from "node:fs";

fs.mkdirSync("dist/api", { recursive: true });
fs.copyFileSync("src/api/openapi.yaml", "dist/api/openapi.yaml");
fs.chmodSync("dist/simulator/bin.js", 0o755);
