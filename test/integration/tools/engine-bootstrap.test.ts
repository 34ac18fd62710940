import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compareVersions, engineKey, PINNED_VERSION, TOOLS } from "../../../tools/engine/bootstrap.mjs";
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

  describe("language tools (--with)", () => {
    /**
     * A stand-in `go` that records each call (working folder and arguments) in `journal` and writes a
     * small file where `-o` points, so the lazy builds are checked in milliseconds and offline.
     */
    function fakeGo(bin: string, journal: string): void {
      fs.writeFileSync(
        path.join(bin, "go"),
        `#!/bin/sh
printf '%s %s\\n' "$PWD" "$*" >> '${journal}'
out=
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out=$2; fi
  shift
done
printf '#!/bin/sh\\necho fake\\n' > "$out"
`,
        { mode: 0o755 },
      );
    }
    const calls = (journal: string): string[] => (fs.existsSync(journal) ? fs.readFileSync(journal, "utf8").trim().split("\n") : []);
    const bootstrap = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env });

    it("adds a missing tool to an existing engine cache without rebuilding the engine, once, and again when its inputs change", () => {
      const root = tmp();
      const bin = tmp();
      const journal = path.join(tmp(), "journal");
      fakeGo(bin, journal);
      // An engine cache as an earlier bootstrap left it: pulumi and its marker, no tools.
      const engineDir = path.join(root, engineKey());
      fs.mkdirSync(engineDir);
      fs.writeFileSync(path.join(engineDir, "pulumi"), "#!/bin/sh\necho v3.276.0\n", { mode: 0o755 });
      fs.writeFileSync(path.join(engineDir, ".complete"), `${PINNED_VERSION}\n`);
      const env = { PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}`, PULUMI_FLOW_ENGINE: "build", PULUMI_FLOW_ENGINE_DIR: root, HOME: tmp() };

      const first = bootstrap(["--json", "--with", "yaml,gensdk,go"], env);
      expect(first.status, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual({
        pulumi: path.join(engineDir, "pulumi"),
        binDir: engineDir,
        version: PINNED_VERSION,
        source: "cache",
        tools: {
          yaml: path.join(engineDir, "pulumi-language-yaml"),
          gensdk: path.join(engineDir, "pulumi-flow-gensdk"),
          go: path.join(engineDir, "pulumi-language-go"),
        },
        pathDirs: [engineDir],
      });
      // Only the three tools were built, each from its module, straight into the engine's folder (the
      // Go host from the engine's own module, whose build key leaves it out: the engine stays as it is).
      const built = calls(journal);
      expect(built).toHaveLength(3);
      expect(built[0]).toMatch(
        new RegExp(
          `^${TOOLS.yaml.moduleDir} build -ldflags -s -w -o ${engineDir}/\\.pulumi-language-yaml\\.tmp-\\d+ github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml$`,
        ),
      );
      expect(built[1]).toMatch(new RegExp(`^${TOOLS.gensdk.moduleDir} build -ldflags -s -w -o ${engineDir}/\\.pulumi-flow-gensdk\\.tmp-\\d+ \\.$`));
      expect(built[2]).toMatch(new RegExp(`^${TOOLS.go.moduleDir} build -ldflags -s -w -o ${engineDir}/\\.pulumi-language-go\\.tmp-\\d+ \\./golanghost$`));
      expect(fs.readdirSync(engineDir).filter((f) => f.includes(".tmp-"))).toEqual([]);
      expect(fs.readFileSync(path.join(engineDir, "pulumi"), "utf8")).toContain("echo v3.276.0");

      // Cached from now on; without --with, nothing is built and the tools are not reported.
      const again = bootstrap(["--with=yaml", "--with=gensdk"], env);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stderr).toContain(`using cached pulumi-language-yaml (${engineDir})`);
      expect(again.stdout).toContain(`yaml: ${path.join(engineDir, "pulumi-language-yaml")}`);
      expect(JSON.parse(bootstrap(["--json", "--quiet"], env).stdout)).toMatchObject({ tools: {}, pathDirs: [engineDir] });
      expect(calls(journal)).toHaveLength(3);

      // A YAML host built from other inputs (an older tools/engine/yaml) is built again; the generator is kept.
      fs.writeFileSync(path.join(engineDir, ".pulumi-language-yaml.key"), "0123456789ab\n");
      expect(bootstrap(["--quiet", "--with", "yaml,gensdk,go"], env).status).toBe(0);
      expect(calls(journal)).toHaveLength(4);
      expect(calls(journal)[3]).toContain("github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml");
    });

    it("keeps the YAML (and Go) host of a Pulumi on PATH, and builds one in a folder of its own (put on PATH by --env) for a Pulumi without", () => {
      const root = tmp();
      const pulumiBin = tmp();
      const goBin = tmp();
      const journal = path.join(tmp(), "journal");
      fakeGo(goBin, journal);
      fs.writeFileSync(path.join(pulumiBin, "pulumi"), "#!/bin/sh\necho v3.260.0\n", { mode: 0o755 });
      fs.writeFileSync(path.join(pulumiBin, "pulumi-language-nodejs"), "#!/bin/sh\n", { mode: 0o755 });
      const env = {
        ...pristineEnv(tmp(), tmp()),
        PATH: [pulumiBin, goBin, path.dirname(process.execPath)].join(path.delimiter),
        PULUMI_FLOW_ENGINE_DIR: root,
      };

      const without = bootstrap(["--json", "--with", "yaml"], env);
      expect(without.status, without.stderr).toBe(0);
      const info = JSON.parse(without.stdout);
      expect(info.source).toBe("path");
      expect(info.pathDirs).toHaveLength(2);
      expect(info.pathDirs[0]).toBe(pulumiBin);
      expect(path.dirname(info.pathDirs[1])).toBe(root);
      expect(path.basename(info.pathDirs[1])).toMatch(/^pulumi-language-yaml-[0-9a-f]{12}$/);
      expect(info.tools.yaml).toBe(path.join(info.pathDirs[1], "pulumi-language-yaml"));
      expect(calls(journal)).toHaveLength(1);
      const envOut = bootstrap(["--env", "--with", "yaml"], env);
      expect(envOut.stdout.split("\n")[0]).toBe(`export PATH='${pulumiBin}':'${info.pathDirs[1]}':"$PATH"`);
      expect(calls(journal)).toHaveLength(1);

      // PULUMI_FLOW_ENGINE=path never builds: a tool that is neither on PATH nor built is an error naming it.
      const strict = bootstrap(["--with", "yaml"], { ...env, PULUMI_FLOW_ENGINE: "path", PULUMI_FLOW_ENGINE_DIR: tmp() });
      expect(strict.status).toBe(1);
      expect(strict.stderr).toContain("pulumi-language-yaml is not on PATH and not built yet (and PULUMI_FLOW_ENGINE=path forbids building)");

      // With its own YAML host on PATH, the installation's is used and --env adds nothing.
      fs.writeFileSync(path.join(pulumiBin, "pulumi-language-yaml"), "#!/bin/sh\n", { mode: 0o755 });
      const withOwn = JSON.parse(bootstrap(["--json", "--with", "yaml"], env).stdout);
      expect(withOwn).toMatchObject({ source: "path", tools: { yaml: path.join(pulumiBin, "pulumi-language-yaml") }, pathDirs: [pulumiBin] });
      expect(calls(journal)).toHaveLength(1);
      // So does its own Go host.
      fs.writeFileSync(path.join(pulumiBin, "pulumi-language-go"), "#!/bin/sh\n", { mode: 0o755 });
      const withOwnGo = JSON.parse(bootstrap(["--json", "--with", "go"], env).stdout);
      expect(withOwnGo).toMatchObject({ source: "path", tools: { go: path.join(pulumiBin, "pulumi-language-go") }, pathDirs: [pulumiBin] });
      expect(calls(journal)).toHaveLength(1);
    });

    it("rejects an unknown tool", () => {
      const r = bootstrap(["--with", "cobol"], { PATH: path.dirname(process.execPath), PULUMI_FLOW_ENGINE_DIR: tmp() });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("unknown: --with cobol");
    });

    // Relies on the YAML host being in the cache, as `npm test` bootstraps it (--with yaml,gensdk) before the integration project.
    it("runs a Pulumi YAML program with the engine: preview and up in a shell set up by --env --with yaml", () => {
      const project = tmp();
      fs.writeFileSync(
        path.join(project, "Pulumi.yaml"),
        ["name: yaml-check", "runtime: yaml", "variables:", "  greeting: hello from yaml", "outputs:", "  greeting: ${greeting}", "  answer: 42", ""].join(
          "\n",
        ),
      );
      const env = pristineEnv(tmp(), tmp());
      const commands = [
        "set -e",
        'eval "$(node tools/engine/bootstrap.mjs --env --with yaml)"',
        "command -v pulumi-language-yaml",
        `cd '${project}'`,
        "pulumi stack init dev --non-interactive",
        "pulumi preview --non-interactive",
        "pulumi up --yes --non-interactive",
        "pulumi stack output --json",
      ];
      const r = spawnSync("bash", ["-c", commands.join("\n")], { cwd: repoRoot, env, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const yamlHost = r.stdout.split("\n")[0];
      expect(path.basename(yamlHost)).toBe("pulumi-language-yaml");
      expect(r.stdout).toContain("+ 1 to create");
      expect(r.stdout).toContain("+ 1 created");
      expect(JSON.parse(r.stdout.slice(r.stdout.lastIndexOf("{")))).toEqual({ answer: 42, greeting: "hello from yaml" });
      // Beside pulumi, the engine takes it as its own: no "using pulumi-language-yaml from $PATH" warning.
      expect(`${r.stdout}${r.stderr}`).not.toContain("from $PATH");
    });

    // Relies on the generator being in the cache, like the test above.
    it("pulumi-flow-gensdk writes Go, Python and Node.js SDKs for a component schema", () => {
      const work = tmp();
      const schema = path.join(work, "schema.json");
      fs.writeFileSync(
        schema,
        JSON.stringify({
          name: "flowtest",
          version: "0.1.0",
          meta: { supportPack: true },
          language: { go: { importBasePath: "example.com/flowtest/sdk/go/flowtest" } },
          resources: {
            "flowtest:index:Thing": {
              isComponent: true,
              inputProperties: { name: { type: "string" } },
              requiredInputs: ["name"],
              properties: { greeting: { type: "string" } },
              required: ["greeting"],
            },
          },
        }),
      );
      const env = pristineEnv(tmp(), tmp());
      const gensdk = JSON.parse(spawnSync(process.execPath, [script, "--json", "--quiet", "--with", "gensdk"], { cwd: repoRoot, env, encoding: "utf8" }).stdout)
        .tools.gensdk;
      const out = path.join(work, "sdk");
      const r = spawnSync(gensdk, ["--out", out, schema], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^go: \d+ files in .*\nnodejs: \d+ files in .*\npython: \d+ files in /);
      expect(fs.readFileSync(path.join(out, "go", "go.mod"), "utf8")).toMatch(
        /^module example.com\/flowtest\/sdk\/go\n[\s\S]*require github.com\/pulumi\/pulumi\/sdk\/v3 /,
      );
      expect(fs.readFileSync(path.join(out, "go", "flowtest", "thing.go"), "utf8")).toContain('ctx.RegisterRemoteComponentResource("flowtest:index:Thing"');
      expect(fs.readFileSync(path.join(out, "python", "pulumi_flowtest", "thing.py"), "utf8")).toContain("class Thing(pulumi.ComponentResource)");
      expect(fs.readFileSync(path.join(out, "nodejs", "thing.ts"), "utf8")).toContain("super(Thing.__pulumiType, name, resourceInputs, opts, true /*remote*/)");
      // The generated Go is gofmt-clean, and the generated Python compiles (both offline).
      const gofmt = spawnSync("gofmt", ["-l", path.join(out, "go")], { encoding: "utf8" });
      expect(gofmt.status, gofmt.stderr).toBe(0);
      expect(gofmt.stdout).toBe("");
      const python = spawnSync(
        "python3",
        [
          "-m",
          "py_compile",
          ...fs
            .readdirSync(path.join(out, "python", "pulumi_flowtest"))
            .filter((f) => f.endsWith(".py"))
            .map((f) => path.join(out, "python", "pulumi_flowtest", f)),
        ],
        { encoding: "utf8" },
      );
      expect(python.status, python.stderr).toBe(0);
      // C# and Java are not offered (their generators are not Go modules the proxy serves): a clear refusal.
      const dotnet = spawnSync(gensdk, ["--language", "dotnet", "--out", out, schema], { encoding: "utf8" });
      expect(dotnet.status).toBe(1);
      expect(dotnet.stderr).toContain('unsupported language "dotnet" (supported: go,nodejs,python)');
    });
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
