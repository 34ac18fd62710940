#!/usr/bin/env node
// Engine bootstrap: makes a working `pulumi` CLI (plus the Node.js language host and the
// launcher scripts the engine expects) available, building it from the Go module proxy
// when no recent-enough Pulumi is installed. See docs/engine.md.
//
// Usage: node tools/engine/bootstrap.mjs [--quiet] [--json] [--env] [--rebuild] [--with yaml,gensdk,go]
//        eval "$(node tools/engine/bootstrap.mjs --env)"   puts the engine on PATH with a local backend
//        --with also makes language tools available (TOOLS below), built on demand beside `pulumi`
// Env:   PULUMI_FLOW_ENGINE_DIR   cache root (default: $XDG_CACHE_HOME/pulumi-flow/engine or ~/.cache/…)
//        PULUMI_FLOW_ENGINE=build force the Go build even when `pulumi` is on PATH
//        PULUMI_FLOW_ENGINE=path  only accept a `pulumi` on PATH (never build)

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The Pulumi CLI version we build and test against (the newest the Go module proxy served; see tools/engine/go/go.mod). */
export const PINNED_VERSION = "3.276.0";
/** The oldest `pulumi` on PATH we accept instead of building (tested as the built engine until 0.2.0). */
export const MIN_VERSION = "3.248.0";

const here = path.dirname(fileURLToPath(import.meta.url));
const goModuleDir = path.join(here, "go");

/**
 * Language tools beyond the engine, made available on request (`--with`, `ensureEngine({ with })`).
 * Each is built from its own small Go module into the engine's cache folder, beside `pulumi`, the
 * first time it is asked for (an engine cache without it gets it added; the engine itself is not
 * rebuilt: its module and cache key do not include the tools).
 */
export const TOOLS = {
  yaml: {
    bin: "pulumi-language-yaml",
    what: "Pulumi YAML language host",
    moduleDir: path.join(here, "yaml"),
    inputs: ["go.mod", "go.sum", "tools.go"],
    target: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
    // A Pulumi installation brings its own YAML host; ours is built only when none is on PATH.
    fromPath: true,
  },
  gensdk: {
    bin: "pulumi-flow-gensdk",
    what: "SDK generator (pulumi-flow-gensdk)",
    moduleDir: path.join(here, "gensdk"),
    inputs: ["go.mod", "go.sum", "main.go"],
    target: ".",
    fromPath: false,
  },
  go: {
    bin: "pulumi-language-go",
    what: "Go language host",
    // Our own (tools/engine/go/golanghost), in the engine's module: it needs nothing the engine
    // does not, and the engine's build key does not include it, so adding it rebuilds nothing.
    moduleDir: goModuleDir,
    inputs: ["go.mod", "go.sum", "golanghost/main.go", "hostkit/hostkit.go"],
    target: "./golanghost",
    // A Pulumi installation brings its own Go host; ours is built only when none is on PATH.
    fromPath: true,
  },
};

/** Thrown when no engine can be had; the message names the ways out. */
export class EngineUnavailableError extends Error {
  constructor(detail) {
    super(
      `The Pulumi engine is not available: ${detail}\n` +
        `Ways out:\n` +
        `  1. Install Pulumi ${MIN_VERSION} or newer so that \`pulumi\` is on your PATH (https://www.pulumi.com/docs/install/), or\n` +
        `  2. Install Go 1.26.6 or newer (https://go.dev/doc/install) with access to the Go module proxy; ` +
        `\`npm run engine\` then builds Pulumi ${PINNED_VERSION} into a local cache (a few minutes, once).`,
    );
    this.name = "EngineUnavailableError";
  }
}

export function compareVersions(a, b) {
  const pa = a.split(/[.-]/).slice(0, 3).map(Number);
  const pb = b.split(/[.-]/).slice(0, 3).map(Number);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The version a `pulumi` binary reports, without the leading "v", or undefined. */
export function pulumiVersion(bin) {
  const r = run(bin, ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (r.status !== 0) return undefined;
  const m = /v?(\d+\.\d+\.\d+\S*)/.exec(r.stdout.trim());
  return m ? m[1] : undefined;
}

/** Root folder of the engine cache (outside the repository). */
export function cacheRoot() {
  if (process.env.PULUMI_FLOW_ENGINE_DIR) return path.resolve(process.env.PULUMI_FLOW_ENGINE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-flow", "engine");
}

/**
 * Hash of everything that goes into our build, so a change to the language host rebuilds. Not
 * the Node.js version: the binaries and launchers run whichever `node` is on PATH, so one build
 * serves every Node.js line.
 */
function buildKey() {
  const h = createHash("sha256");
  h.update(PINNED_VERSION);
  for (const f of ["go.mod", "go.sum", "tools.go", "langhost/main.go", "hostkit/hostkit.go"]) {
    h.update(f);
    h.update(fs.readFileSync(path.join(goModuleDir, f)));
  }
  h.update(
    launcherScripts()
      .map((s) => s.name + s.body)
      .join("\n"),
  );
  return h.digest("hex").slice(0, 12);
}

/** The name of the built engine's folder in the cache: the pinned version and the hash of its build inputs. */
export function engineKey() {
  return `pulumi-${PINNED_VERSION}-${buildKey()}`;
}

/** The tiny launcher scripts the engine expects next to the binaries. */
function launcherScripts() {
  // Each resolves the SDK entry point from the working directory the engine gives the plugin
  // (the program's folder for providers, the policy pack's folder for analyzers), like node would.
  const launcher = (entry) => `#!/bin/sh
# Generated by pulumi-flow's engine bootstrap: starts ${entry} with node.
entry=$(node -e 'try { console.log(require.resolve(process.argv[1], { paths: [process.cwd()] })) } catch (e) { process.exit(1) }' '${entry}')
if [ -z "$entry" ]; then
  echo "${entry} not found from $(pwd): run npm ci (or npm install) in the project" >&2
  exit 1
fi
exec node "$entry" "$@"
`;
  return [
    { name: "pulumi-resource-pulumi-nodejs", body: launcher("@pulumi/pulumi/cmd/dynamic-provider") },
    { name: "pulumi-analyzer-policy", body: launcher("@pulumi/pulumi/cmd/run-policy-pack") },
    { name: "pulumi-analyzer-policy-nodejs", body: launcher("@pulumi/pulumi/cmd/run-policy-pack") },
  ];
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/** Cross-process lock on a directory (mkdir is atomic); a lock whose owner died is taken over. */
function lockAge(lockDir) {
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Removes a dead owner's lock, under a second lock so that two waiters cannot both take over
 * (one could otherwise remove the lock the other had just taken). Returns true when the caller
 * should try to take the lock again.
 */
function takeOver(lockDir, deadOwner) {
  const guard = `${lockDir}.takeover`;
  try {
    fs.mkdirSync(guard);
  } catch (e) {
    if (e.code !== "EEXIST") throw e;
    // Another waiter is taking over; a guard left by a crashed one expires after 10 s.
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > 10_000) fs.rmSync(guard, { recursive: true, force: true });
    } catch {
      // gone already
    }
    return false;
  }
  try {
    let current;
    try {
      current = fs.readFileSync(path.join(lockDir, "owner"), "utf8");
    } catch {
      current = undefined;
    }
    // Only the lock we judged dead is removed, never one taken since.
    const stillDead = deadOwner ? current === `${deadOwner.pid}\n${deadOwner.host}\n` : current === undefined && lockAge(lockDir) > 60_000;
    if (stillDead) fs.rmSync(lockDir, { recursive: true, force: true });
    return true;
  } finally {
    fs.rmSync(guard, { recursive: true, force: true });
  }
}

export function withLock(lockDir, log, fn) {
  const ownerFile = path.join(lockDir, "owner");
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, `${process.pid}\n${os.hostname()}\n`);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let owner;
      try {
        const [pid, host] = fs.readFileSync(ownerFile, "utf8").split("\n");
        owner = { pid: Number(pid), host };
      } catch {
        // owner not written yet (or lock being released): give it a moment
      }
      const dead = owner ? owner.host === os.hostname() && !pidAlive(owner.pid) : lockAge(lockDir) > 60_000;
      if (dead && takeOver(lockDir, owner)) continue;
      if (!announced) {
        log(`waiting for another engine build to finish (lock ${lockDir})…`);
        announced = true;
      }
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function goToolchain(missing = "no `pulumi` on PATH and no `go` toolchain to build one.") {
  const go = which("go");
  if (!go) throw new EngineUnavailableError(missing);
  return go;
}

/** Runs one `go build` in `cwd` (module downloads only; the module files are never rewritten). */
function runGo(go, args, cwd, what, log) {
  const env = {
    ...process.env,
    GOFLAGS: "-mod=readonly",
    GOTOOLCHAIN: process.env.GOTOOLCHAIN || "local",
  };
  log(`building the ${what} with ${go} (a cold build takes several minutes on two cores)…`);
  const started = Date.now();
  const r = spawnSync(go, args, { cwd, env, stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    throw new EngineUnavailableError(
      `\`go ${args.join(" ")}\` failed in ${cwd} (exit ${r.status ?? r.signal}):\n${(r.stderr ?? "").trim().split("\n").slice(-20).join("\n")}`,
    );
  }
  log(`built the ${what} in ${Math.round((Date.now() - started) / 1000)} s`);
}

function goBuild(outDir, log) {
  const go = goToolchain();
  const ldflags = `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PINNED_VERSION}`;
  const steps = [
    {
      what: `Pulumi CLI ${PINNED_VERSION}`,
      args: ["build", "-ldflags", ldflags, "-o", path.join(outDir, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
    },
    { what: "Node.js language host", args: ["build", "-ldflags", "-s -w", "-o", path.join(outDir, "pulumi-language-nodejs"), "./langhost"] },
  ];
  for (const step of steps) runGo(go, step.args, goModuleDir, step.what, log);
  for (const s of launcherScripts()) {
    fs.writeFileSync(path.join(outDir, s.name), s.body, { mode: 0o755 });
  }
}

function isComplete(dir) {
  return fs.existsSync(path.join(dir, ".complete")) && fs.existsSync(path.join(dir, "pulumi"));
}

/** Hash of everything that goes into one tool's build (its module files and flags). */
function toolKey(tool) {
  const h = createHash("sha256");
  h.update(`${tool.bin}\n${tool.target}\n-s -w\n`);
  for (const f of tool.inputs) {
    h.update(f);
    h.update(fs.readFileSync(path.join(tool.moduleDir, f)));
  }
  return h.digest("hex").slice(0, 12);
}

/** A tool is in `dir` when its binary is there with the marker of the inputs it was built from. */
function toolComplete(dir, tool, key) {
  try {
    return fs.readFileSync(path.join(dir, `.${tool.bin}.key`), "utf8").trim() === key && fs.statSync(path.join(dir, tool.bin)).isFile();
  } catch {
    return false;
  }
}

/**
 * Makes the named tools available for `engine`: beside the built engine in its cache folder (built
 * there when missing or built from other inputs), or, when the engine is a Pulumi installation on
 * PATH, that installation's own language host (YAML, Go) if it has one, else a build in a cache folder of the
 * tool's own (added to the engine's `pathDirs`).
 */
function ensureTools(engine, names, { mode, rebuild, log, say }) {
  const tools = {};
  const pathDirs = [engine.binDir];
  for (const name of names) {
    const tool = TOOLS[name];
    if (!tool) throw new EngineUnavailableError(`unknown tool "${name}" (known: ${Object.keys(TOOLS).join(", ")}).`);
    if (engine.source === "path" && tool.fromPath) {
      const found = which(tool.bin);
      if (found) {
        log(`using ${tool.bin} from PATH (${found})`);
        tools[name] = found;
        continue;
      }
    }
    const root = cacheRoot();
    const key = toolKey(tool);
    const dir = engine.source === "path" ? path.join(root, `${tool.bin}-${key}`) : engine.binDir;
    const bin = path.join(dir, tool.bin);
    if (rebuild || !toolComplete(dir, tool, key)) {
      if (mode === "path") {
        throw new EngineUnavailableError(`${tool.bin} is not on PATH and not built yet (and PULUMI_FLOW_ENGINE=path forbids building).`);
      }
      fs.mkdirSync(root, { recursive: true });
      withLock(path.join(root, `${path.basename(dir)}.lock`), say, () => {
        if (!rebuild && toolComplete(dir, tool, key)) return;
        const go = goToolchain(`${tool.bin} is not available and there is no \`go\` toolchain to build it.`);
        fs.mkdirSync(dir, { recursive: true });
        const tmp = path.join(dir, `.${tool.bin}.tmp-${process.pid}`);
        say(`adding the ${tool.what} to ${dir}`);
        try {
          runGo(go, ["build", "-ldflags", "-s -w", "-o", tmp, tool.target], tool.moduleDir, tool.what, say);
          fs.renameSync(tmp, bin);
          fs.writeFileSync(path.join(dir, `.${tool.bin}.key`), `${key}\n`);
        } finally {
          fs.rmSync(tmp, { force: true });
        }
      });
    } else {
      log(`using cached ${tool.bin} (${dir})`);
    }
    tools[name] = bin;
    if (!pathDirs.includes(dir)) pathDirs.push(dir);
  }
  return { tools, pathDirs };
}

/** The folders to put first on PATH for `engine` (its own, then those of tools built apart from it). */
function enginePath(engine) {
  return engine.pathDirs?.length ? engine.pathDirs : [engine.binDir];
}

/**
 * The environment for running `engine`'s pulumi offline in scripts (demo, benchmarks): a
 * `file://` backend and PULUMI_HOME inside `workDir`, a passphrase secrets provider, no update
 * checks, the engine first on PATH, and PWD set to `cwd` as a shell would (the policy pack
 * looks for flow-policy.yaml there).
 */
export function offlineEnv(engine, workDir, cwd, base = process.env) {
  return {
    ...base,
    PATH: [...enginePath(engine), base.PATH ?? ""].join(path.delimiter),
    PWD: cwd,
    PULUMI_BACKEND_URL: `file://${workDir}`,
    PULUMI_HOME: path.join(workDir, ".pulumi-home"),
    PULUMI_CONFIG_PASSPHRASE: base.PULUMI_CONFIG_PASSPHRASE ?? "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}

/** Quotes a value for a POSIX shell. */
function shellQuote(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/** Where `--env` keeps local stacks unless PULUMI_BACKEND_URL says otherwise. */
export function defaultBackendDir(env = process.env) {
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
  return path.join(path.resolve(base), "pulumi-flow", "backend");
}

/**
 * The shell lines `--env` prints, for `eval "$(node tools/engine/bootstrap.mjs --env)"`: the
 * engine first on PATH, a local `file://` backend (unless PULUMI_BACKEND_URL is already set),
 * an empty passphrase for the secrets provider (unless PULUMI_CONFIG_PASSPHRASE or
 * PULUMI_CONFIG_PASSPHRASE_FILE is set; a value already set is never printed), and no update checks.
 */
export function envLines(engine, env = process.env) {
  const lines = [`export PATH=${enginePath(engine).map(shellQuote).join(path.delimiter)}${path.delimiter}"$PATH"`];
  if (env.PULUMI_BACKEND_URL) lines.push("# PULUMI_BACKEND_URL is already set: kept");
  else lines.push(`export PULUMI_BACKEND_URL=${shellQuote(`file://${defaultBackendDir(env)}`)}`);
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE) lines.push("# PULUMI_CONFIG_PASSPHRASE(_FILE) is already set: kept");
  else lines.push("export PULUMI_CONFIG_PASSPHRASE=''");
  lines.push("export PULUMI_SKIP_UPDATE_CHECK=true");
  return lines;
}

/** A recent-enough `pulumi` (with its Node.js language host) on PATH, or why not. */
function fromPath() {
  const onPath = which("pulumi");
  const version = onPath && pulumiVersion(onPath);
  const langHost = which("pulumi-language-nodejs");
  if (onPath && version && compareVersions(version, MIN_VERSION) >= 0 && langHost) {
    return { engine: { pulumi: onPath, binDir: path.dirname(onPath), version, source: "path" } };
  }
  const why = !onPath
    ? "no `pulumi` on PATH"
    : !version
      ? `\`${onPath} version\` failed`
      : compareVersions(version, MIN_VERSION) < 0
        ? `pulumi ${version} on PATH is older than ${MIN_VERSION}`
        : "pulumi-language-nodejs is not on PATH";
  return { why };
}

/** Builds the pinned engine into `dir` (under the cache lock; another process may have built it meanwhile). */
function buildInto(root, key, dir, rebuild, say) {
  withLock(path.join(root, `${key}.lock`), say, () => {
    if (!rebuild && isComplete(dir)) return;
    const tmp = path.join(root, `${key}.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    say(`building Pulumi ${PINNED_VERSION} from the Go module proxy into ${dir}`);
    try {
      goBuild(tmp, say);
      const version = pulumiVersion(path.join(tmp, "pulumi"));
      if (!version) throw new EngineUnavailableError(`the freshly built ${path.join(tmp, "pulumi")} does not run.`);
      fs.writeFileSync(path.join(tmp, ".complete"), `${version}\n`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  });
}

/**
 * Makes the engine available (and the tools named in `with`, keys of TOOLS) and describes it.
 * @returns {{ pulumi: string, binDir: string, version: string, source: "path" | "cache" | "built", tools: Record<string, string>, pathDirs: string[] }}
 */
export function ensureEngine({ quiet = false, rebuild = false, with: wanted = [] } = {}) {
  const mode = process.env.PULUMI_FLOW_ENGINE ?? "auto";
  const log = (msg) => {
    if (!quiet) process.stderr.write(`[engine] ${msg}\n`);
  };
  const say = (msg) => process.stderr.write(`[engine] ${msg}\n`);
  for (const name of wanted) {
    if (!Object.hasOwn(TOOLS, name)) throw new EngineUnavailableError(`unknown tool "${name}" (known: ${Object.keys(TOOLS).join(", ")}).`);
  }
  const engine = ensurePulumi({ rebuild, mode, log, say });
  return { ...engine, ...ensureTools(engine, wanted, { mode, rebuild, log, say }) };
}

function ensurePulumi({ rebuild, mode, log, say }) {
  // Routine messages (log) honour --quiet; anything about a (slow) build (say) is always shown.
  if (!["auto", "path", "build"].includes(mode)) {
    throw new EngineUnavailableError(`PULUMI_FLOW_ENGINE must be auto, path or build (got "${mode}").`);
  }
  if (mode !== "build") {
    const found = fromPath();
    if (found.engine) {
      log(`using pulumi ${found.engine.version} from PATH (${found.engine.pulumi})`);
      return found.engine;
    }
    if (mode === "path") throw new EngineUnavailableError(`${found.why} (and PULUMI_FLOW_ENGINE=path forbids building).`);
    log(`${found.why}; using the pulumi-flow engine cache`);
  }
  const root = cacheRoot();
  const key = engineKey();
  const dir = path.join(root, key);
  fs.mkdirSync(root, { recursive: true });
  const built = rebuild || !isComplete(dir);
  if (built) buildInto(root, key, dir, rebuild, say);
  const version = fs.readFileSync(path.join(dir, ".complete"), "utf8").trim();
  if (built) say(`pulumi ${version} ready in ${dir}`);
  else log(`using cached pulumi ${version} (${dir})`);
  return { pulumi: path.join(dir, "pulumi"), binDir: dir, version, source: built ? "built" : "cache" };
}

/** Parses the command line: flags, and `--with a,b` / `--with=a,b` (repeatable). */
export function parseArgs(argv) {
  const flags = new Set();
  const wanted = [];
  const unknown = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (["--quiet", "--json", "--env", "--rebuild", "--help"].includes(a)) flags.add(a);
    else if (a === "--with" || a.startsWith("--with=")) {
      const value = a === "--with" ? argv[++i] : a.slice("--with=".length);
      if (!value) unknown.push(a);
      else for (const name of value.split(",")) if (name && !wanted.includes(name)) wanted.push(name);
    } else unknown.push(a);
  }
  return { flags, wanted, unknown: [...unknown, ...wanted.filter((n) => !Object.hasOwn(TOOLS, n)).map((n) => `--with ${n}`)] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { flags, wanted, unknown } = parseArgs(process.argv.slice(2));
  if (flags.has("--help") || unknown.length || (flags.has("--json") && flags.has("--env"))) {
    if (unknown.length) process.stderr.write(`unknown: ${unknown.join(" ")}\n`);
    process.stderr.write(
      "Usage: node tools/engine/bootstrap.mjs [--quiet] [--json | --env] [--rebuild] [--with TOOL,…]\n" +
        "Makes a working pulumi CLI available (PATH, or built from Go modules into a cache).\n" +
        "  --json     print where it is, its version and source (and the tools) as JSON\n" +
        '  --env      print shell lines for eval "$(node tools/engine/bootstrap.mjs --env)": the engine\n' +
        "             on PATH, a local file:// backend and a passphrase (values already set are kept)\n" +
        `  --with     also make these tools available, built beside pulumi when missing: ${Object.entries(TOOLS)
          .map(([name, t]) => `${name} (${t.bin})`)
          .join(", ")}\n` +
        "Env: PULUMI_FLOW_ENGINE_DIR (cache root), PULUMI_FLOW_ENGINE=auto|path|build\n",
    );
    process.exit(flags.has("--help") ? 0 : 2);
  }
  try {
    const asEnv = flags.has("--env");
    const engine = ensureEngine({ quiet: flags.has("--quiet") || asEnv, rebuild: flags.has("--rebuild"), with: wanted });
    if (asEnv) {
      const lines = envLines(engine);
      if (!process.env.PULUMI_BACKEND_URL) fs.mkdirSync(defaultBackendDir(), { recursive: true });
      process.stdout.write(lines.join("\n") + "\n");
    } else if (flags.has("--json")) process.stdout.write(JSON.stringify(engine) + "\n");
    else if (!flags.has("--quiet")) {
      process.stdout.write(`pulumi ${engine.version} (${engine.source}): ${engine.pulumi}\n`);
      for (const [name, bin] of Object.entries(engine.tools)) process.stdout.write(`${name}: ${bin}\n`);
    }
  } catch (e) {
    process.stderr.write(`${e instanceof EngineUnavailableError ? e.message : (e.stack ?? e)}\n`);
    process.exit(1);
  }
}
