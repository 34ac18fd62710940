import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compareVersions } from "../../../tools/engine/bootstrap.mjs";
import { repoRoot } from "../../helpers/paths";

const script = path.resolve(__dirname, "../../../tools/engine/bootstrap.mjs");
const tmpDirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-engine-unit-"));
  tmpDirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The commands docs/engine.md (and the README's quickstart) give for running pulumi yourself, verbatim. */
const DOCUMENTED = {
  env: 'eval "$(node tools/engine/bootstrap.mjs --env)"',
  version: "pulumi version",
  stackInit: "pulumi stack init dev",
};

/** The environment without any Pulumi backend or passphrase settings, with state and PULUMI_HOME in temporary folders. */
function pristineEnv(state: string, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: state, PULUMI_HOME: home };
  for (const k of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE", "PULUMI_ACCESS_TOKEN"]) delete env[k];
  return env;
}

describe("engine bootstrap", () => {
  it("compares versions numerically", () => {
    expect(compareVersions("3.248.0", "3.248.0")).toBe(0);
    expect(compareVersions("3.274.1", "3.248.0")).toBeGreaterThan(0);
    expect(compareVersions("3.99.0", "3.248.0")).toBeLessThan(0);
  });

  it("fails with a message naming both ways out when there is neither pulumi nor go", () => {
    const emptyBin = tmp();
    fs.symlinkSync(process.execPath, path.join(emptyBin, "node"));
    const r = spawnSync(process.execPath, [script], {
      encoding: "utf8",
      env: { PATH: emptyBin, HOME: tmp(), PULUMI_FLOW_ENGINE_DIR: tmp() },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("The Pulumi engine is not available: no `pulumi` on PATH and no `go` toolchain");
    expect(r.stderr).toContain("Install Pulumi 3.248.0 or newer");
    expect(r.stderr).toContain("Install Go");
  });

  it("uses a recent-enough pulumi already on PATH without building", () => {
    const bin = tmp();
    fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\necho v3.260.0\n", { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
    const r = spawnSync(process.execPath, [script, "--json"], {
      encoding: "utf8",
      env: { PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}`, PULUMI_FLOW_ENGINE_DIR: tmp() },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ source: "path", version: "3.260.0", pulumi: path.join(bin, "pulumi") });
  });

  it("refuses an old pulumi when told not to build (PULUMI_FLOW_ENGINE=path)", () => {
    const bin = tmp();
    fs.writeFileSync(path.join(bin, "pulumi"), "#!/bin/sh\necho v3.100.0\n", { mode: 0o755 });
    const r = spawnSync(process.execPath, [script], {
      encoding: "utf8",
      env: { PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}`, PULUMI_FLOW_ENGINE: "path", PULUMI_FLOW_ENGINE_DIR: tmp() },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pulumi 3.100.0 on PATH is older than 3.248.0");
  });

  it("serialises concurrent holders of the cache lock and takes over a dead owner's lock", async () => {
    const dir = tmp();
    const lock = path.join(dir, "build.lock");
    const journal = path.join(dir, "journal");
    // A lock left behind by a process that no longer exists must not block forever.
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, "owner"), `999999999\n${os.hostname()}\n`);
    const worker = (id: string) => `
      import { withLock } from ${JSON.stringify(script)};
      import * as fs from "node:fs";
      withLock(${JSON.stringify(lock)}, () => {}, () => {
        fs.appendFileSync(${JSON.stringify(journal)}, "start ${id}\\n");
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
        fs.appendFileSync(${JSON.stringify(journal)}, "end ${id}\\n");
      });`;
    const runWorker = (id: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", worker(id)], { stdio: "inherit" });
        child.on("close", (code) => resolve(code ?? 1));
      });
    expect(await Promise.all([runWorker("a"), runWorker("b"), runWorker("c")])).toEqual([0, 0, 0]);
    const lines = fs.readFileSync(journal, "utf8").trim().split("\n");
    expect(lines).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) {
      expect(lines[i].replace("start", "end")).toBe(lines[i + 1]);
    }
    expect(fs.existsSync(lock)).toBe(false);
  });

  // Relies on the engine being there, as `npm test` bootstraps it before the integration project.
  it("--env prints lines that, evaluated in a shell, run the documented pulumi commands with the engine and a local backend", () => {
    const state = tmp();
    const project = tmp();
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: env-check\nruntime: nodejs\n");
    const env = pristineEnv(state, tmp());
    const engine = JSON.parse(spawnSync(process.execPath, [script, "--json", "--quiet"], { cwd: repoRoot, env, encoding: "utf8" }).stdout);
    const commands = [
      "set -e",
      DOCUMENTED.env,
      "command -v pulumi",
      DOCUMENTED.version,
      `cd '${project}'`,
      `${DOCUMENTED.stackInit} --non-interactive`,
      "pulumi stack ls --json",
    ];
    const r = spawnSync("bash", ["-c", commands.join("\n")], { cwd: repoRoot, env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [where, version, ...rest] = r.stdout.split("\n");
    expect(where).toBe(engine.pulumi);
    expect(version).toBe(`v${engine.version}`);
    expect(`${r.stdout}${r.stderr}`).toContain("Created stack 'dev'");
    const stacks = rest.join("\n");
    expect(JSON.parse(stacks.slice(stacks.indexOf("["))).map((s: { name: string }) => s.name)).toEqual(["dev"]);
    // The stack lives in the local file:// backend --env chose, with the passphrase secrets provider.
    expect(fs.readdirSync(path.join(state, "pulumi-flow", "backend", ".pulumi", "stacks", "env-check"))).toContain("dev.json");
    expect(fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8")).toContain("encryptionsalt");
  });

  it("is what docs/engine.md tells you to run", () => {
    const docs = fs.readFileSync(path.join(repoRoot, "docs", "engine.md"), "utf8");
    for (const command of Object.values(DOCUMENTED)) expect(docs, command).toContain(`\n${command}`);
  });

  it("--env keeps a backend and passphrase already set, without printing the passphrase", () => {
    const env = { ...pristineEnv(tmp(), tmp()), PULUMI_BACKEND_URL: "file:///somewhere/else", PULUMI_CONFIG_PASSPHRASE: "s3cret-passphrase" };
    const r = spawnSync(process.execPath, [script, "--env"], { cwd: repoRoot, env, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^export PATH='[^']+':"\$PATH"$/m);
    expect(r.stdout).not.toMatch(/PULUMI_BACKEND_URL=|PULUMI_CONFIG_PASSPHRASE=/);
    expect(r.stdout).not.toContain("s3cret-passphrase");
    expect(r.stdout).toContain("export PULUMI_SKIP_UPDATE_CHECK=true");
  });
});
