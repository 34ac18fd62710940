#!/usr/bin/env node
// Build step after tsc: copies the assets the compiled code reads at run time into dist/, bundles
// the HTML report's page script (bundle-page.mjs) and makes the bins executable. (Programs in this repository import the package by name through
// the `"pulumi-flow": "file:."` dev dependency, a link npm itself keeps: `npm ci`,
// `npm install` and `pulumi install` all leave it in place.)
import * as fs from "node:fs";
import { bundlePage } from "./bundle-page.mjs";

fs.mkdirSync("dist/api", { recursive: true });
fs.copyFileSync("src/api/openapi.yaml", "dist/api/openapi.yaml");
fs.copyFileSync("src/cli/report.schema.json", "dist/cli/report.schema.json");
fs.mkdirSync("dist/cli/reporters/html", { recursive: true });
fs.copyFileSync("src/cli/reporters/html/page.css", "dist/cli/reporters/html/page.css");
await bundlePage();
fs.chmodSync("dist/simulator/bin.js", 0o755);
fs.chmodSync("dist/cli/bin.js", 0o755);
