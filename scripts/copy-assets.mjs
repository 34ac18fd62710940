#!/usr/bin/env node
// Build step after tsc: copies the assets the compiled code reads at run time into dist/ and
// makes the bins executable. (Programs in this repository import the package by name through
// the `"pulumi-flow": "file:."` dev dependency, a link npm itself keeps: `npm ci`,
// `npm install` and `pulumi install` all leave it in place.)
import * as fs from "node:fs";

fs.mkdirSync("dist/api", { recursive: true });
fs.copyFileSync("src/api/openapi.yaml", "dist/api/openapi.yaml");
fs.copyFileSync("src/cli/report.schema.json", "dist/cli/report.schema.json");
fs.cpSync("src/cli/reporters/html", "dist/cli/reporters/html", { recursive: true });
fs.chmodSync("dist/simulator/bin.js", 0o755);
fs.chmodSync("dist/cli/bin.js", 0o755);
