import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePreviewEvents } from "../../src/pulumi/events";
import { rules as allRules } from "../../src/rules/index";
import { startFlowSimulator, type FlowSimulator } from "../../src/simulator/server";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "../../src/pulumi/type";
import { PulumiSandbox, repoRoot, type PulumiResult } from "../helpers/pulumi";

// A platform engineer adopting pulumi-flow: the packed tarball (not this repository) installed
// into a fresh stack outside the repository, with a resource of its own, then preview, up,
// changes in Flow, refresh, adoption, and the installed pack as the gate.
const TOKEN = "z9adopt-7f3c1e0b-token";
const run = promisify(execFile);
const fixture = path.join(__dirname, "fixtures", "adopter");
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** Packs this repository as npm would publish it; returns the tarball's path. */
async function pack(into: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", into], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  return path.join(into, stdout.trim().split("\n").pop()!);
}

/** A simulator and an adopter project with the packed tarball and the given SDK (see adopterProject). */
async function startAdopter(sdk: string): Promise<{ sim: FlowSimulator; work: string; dir: string }> {
  const sim = await startFlowSimulator({ token: TOKEN });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-adopter-pack-"));
  return { sim, work, dir: await adopterProject(await pack(work), sdk) };
}

/** Ends what startAdopter started, and the sandbox's runs. */
async function stopAdopter(sandbox: PulumiSandbox, { sim, work, dir }: { sim?: FlowSimulator; work?: string; dir?: string }): Promise<void> {
  await sandbox.dispose();
  await sim?.close();
  if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
}

/**
 * A fresh project outside this repository, in `infra/` of an adopter's repository (as many
 * keep theirs), with the tarball and the given SDK installed from the registry.
 */
async function adopterProject(tarball: string, sdk: string): Promise<string> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-adopter-")), "infra");
  fs.cpSync(fixture, dir, { recursive: true });
  const pkg = {
    name: "adopter",
    private: true,
    main: "index.ts",
    dependencies: { "@pulumi/pulumi": sdk, "@pulumi/policy": "1.21.0", "pulumi-flow": `file:${tarball}` },
    devDependencies: { "@types/node": "^20.19.0", "ts-node": "^10.9.2", typescript: "5.9.3" },
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  // The documented install, without --legacy-peer-deps: the peer ranges must resolve as they are
  // (with SDK 3.200.0, @pulumi/policy 1.21.0 gets a nested @pulumi/pulumi of its own range).
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  return dir;
}

describe("adopting pulumi-flow from the packed tarball (real engine)", () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let work: string;

  /** A new stack of the adopter project; Flow's URL in config unless told otherwise. */
  async function stack(config: Record<string, string> = {}, secrets: Record<string, string> = {}): Promise<string> {
    const name = await sandbox.initStack(dir);
    for (const [k, v] of Object.entries({ "flow:apiUrl": sim.url, ...config })) await sandbox.expect(["config", "set", k, v, "--stack", name], 0, { cwd: dir });
    for (const [k, v] of Object.entries(secrets)) await sandbox.expect(["config", "set", "--secret", k, v, "--stack", name], 0, { cwd: dir });
    return name;
  }
  const pulumi = (args: string[], stackName: string, env: Record<string, string | undefined> = {}): Promise<PulumiResult> =>
    sandbox.run([...args, "--stack", stackName], { cwd: dir, env: { FLOW_API_TOKEN: TOKEN, ...env } });
  const installedPack = () => path.join(dir, "node_modules", "pulumi-flow", "policies");

  beforeAll(async () => {
    ({ sim, work, dir } = await startAdopter("3.248.0"));
  }, 900_000);
  afterAll(() => stopAdopter(sandbox, { sim, work, dir }));

  it("installs as users install it: npx runs the bins, and every entry point imports from CommonJS and ESM", async () => {
    // --no: npx must find the installed bins, never fetch a package of that name.
    // "--": the options after the bin's name are the bin's, not npx's own --version and --help.
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect((await run("npx", ["--no", "--", "flow-audit", "--version"], { cwd: dir })).stdout.trim()).toBe(version);
    expect((await run("npx", ["--no", "--", "flow-simulator", "--help"], { cwd: dir })).stdout).toMatch(/^Usage: flow-simulator[\s\S]*--dataset/);
    const entries = ["pulumi-flow", "pulumi-flow/rules", "pulumi-flow/policy", "pulumi-flow/simulator"];
    const cjs = await run(process.execPath, ["-e", `for (const e of ${JSON.stringify(entries)}) console.log(e, Object.keys(require(e)).length > 0)`], {
      cwd: dir,
    });
    const esm = await run(
      process.execPath,
      ["--input-type=module", "-e", `for (const e of ${JSON.stringify(entries)}) console.log(e, Object.keys(await import(e)).length > 0)`],
      {
        cwd: dir,
      },
    );
    const expected = entries.map((e) => `${e} true\n`).join("");
    expect(cjs.stdout).toBe(expected);
    expect(esm.stdout).toBe(expected);
  });

  it("serves the component package from the installed copy to a Pulumi YAML stack elsewhere (node_modules/pulumi-flow/component)", async () => {
    // Outside the adopter project (no node_modules near it); removed with `work`, after the sandbox's stacks.
    const yamlDir = fs.mkdtempSync(path.join(work, "yaml-"));
    const component = path.join(dir, "node_modules", "pulumi-flow", "component");
    fs.writeFileSync(
      path.join(yamlDir, "Pulumi.yaml"),
      `name: adopter-yaml\nruntime: yaml\npackages:\n  flow: ${component}\nresources:\n  flow:\n    type: flow:index:Integrations\noutputs:\n  count: \${flow.count}\n`,
    );
    const name = await sandbox.initStack(yamlDir);
    const env = { FLOW_API_URL: sim.url, FLOW_API_TOKEN: TOKEN };
    const up = await sandbox.run(["up", "--yes", "--stack", name], { cwd: yamlDir, env });
    expect(up.code, up.stderr.slice(-3000) + up.stdout.slice(-3000)).toBe(0);
    expect(await sandbox.outputs(yamlDir, name)).toEqual({ count: 12 });
    await sandbox.expect(["destroy", "--yes", "--stack", name], 0, { cwd: yamlDir, env });
  });

  it("type-checks every entry point from TypeScript, under node16 and under the Pulumi template's node10 resolution, and runs them", async () => {
    const tsc = (file: string, config: { moduleResolution: string; [option: string]: unknown }) => {
      const project = path.join(dir, `tsconfig.${path.basename(file, ".ts")}-${config.moduleResolution}.json`);
      fs.writeFileSync(project, JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", esModuleInterop: true, ...config }, files: [file] }));
      return run(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", project], { cwd: dir }).then(
        () => "",
        (e: { stdout?: string }) => `tsc ${file} ${JSON.stringify(config)} failed:\n${e.stdout ?? String(e)}`,
      );
    };
    // What `pulumi new typescript` writes: module commonjs, moduleResolution node (node10), which sees subpaths through typesVersions.
    const node10 = { module: "commonjs", moduleResolution: "node", outDir: "out10" };
    const node16 = { module: "node16", moduleResolution: "node16", outDir: "out16" };
    // Our declarations and the libraries they reach are checked too (skipLibCheck off)...
    for (const config of [node10, node16]) expect(await tsc("entries.ts", { ...config, skipLibCheck: false })).toBe("");
    // ...except for pulumi-flow/policy: @pulumi/policy 1.21.0's own index.d.ts re-exports names
    // its proxy.d.ts does not declare, so any program importing @pulumi/policy needs skipLibCheck.
    for (const config of [node10, node16]) expect(await tsc("policy-entry.ts", { ...config, skipLibCheck: true })).toBe("");
    for (const out of ["out10", "out16"]) {
      const entries = await run(process.execPath, [path.join(dir, out, "entries.js")], { cwd: dir });
      expect(JSON.parse(entries.stdout)).toEqual({ integrations: 12, failingIntegrations: 4, publishedJudged: true, rules: allRules.length });
      const policy = await run(process.execPath, [path.join(dir, out, "policy-entry.js")], { cwd: dir });
      const { policies, rules } = JSON.parse(policy.stdout) as { policies: string[]; rules: string[] };
      expect(policies).toEqual(expect.arrayContaining([...rules, "flow-integration-data-usable"]));
    }
  });

  it("type-checks the stack program's main entry without @pulumi/policy installed", async () => {
    // tsc --strict without skipLibCheck, with @pulumi/policy out of reach: the main entry must not need it.
    const policy = path.join(dir, "node_modules", "@pulumi", "policy");
    fs.renameSync(policy, `${policy}.hidden`);
    try {
      const tsc = await run(path.join(dir, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], { cwd: dir }).catch((e: { stdout?: string }) => ({
        stdout: `tsc failed:\n${e.stdout ?? String(e)}`,
      }));
      expect(tsc.stdout).toBe("");
    } finally {
      fs.renameSync(`${policy}.hidden`, policy);
    }
  });

  it("gates the stack with the installed pack, judging an adopted integration and leaving the stack's own resource alone", async () => {
    const name = await stack({ adopt: "105", reference: "104" });
    const r = await pulumi(["preview", "--json", "--policy-pack", installedPack()], name, { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" });
    const events = parsePreviewEvents(r.stdout);
    expect(r.code, r.stderr).toBe(1);
    const mandatory = events.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy} ${v.resource}`);
    // readFlowIntegration ("adopted", 105) and Integration.fromFlow ("reference", 104) are judged like the rest.
    expect(mandatory.sort()).toEqual([
      "flow-integration-allowed-auth-type flow-104",
      "flow-integration-allowed-auth-type flow-110",
      "flow-integration-allowed-auth-type reference",
      "flow-integration-connected adopted",
      "flow-integration-webhooks-enabled flow-102",
    ]);
    expect(events.violations.some((v) => v.urn?.includes("adopter:index:Team"))).toBe(false);
  });

  it("refreshes a deletion in Flow as a delete, and does not count moving sync timestamps as drift", async () => {
    const name = await stack();
    expect((await pulumi(["up", "--yes", "--skip-preview"], name)).code).toBe(0);
    sim.recordSync(101);
    const quiet = await pulumi(["preview", "--expect-no-changes"], name);
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    sim.removeIntegration(112);
    try {
      const refresh = await pulumi(["refresh", "--yes", "--skip-preview"], name);
      expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
      const { deployment } = await sandbox.exportStack(dir, name);
      const ids = deployment.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/flow:Integration").map((r) => r.id);
      expect(ids).not.toContain("112");
      expect(ids).toContain("111");
    } finally {
      sim.addIntegration({ integration: { ...sim.integrations()[0], id: 112, name: "GitLab Infra" }, connectionStatus: { status: "connected" } });
    }
  });

  it("stores each resource's provider as a require of the installed package, not its code, and it runs: refresh, preview, in both granularities", async () => {
    for (const [config, type, entry] of [
      [{}, INTEGRATION_TYPE, "pulumi-flow/dist/pulumi/providers/integration.js"],
      [{ chunks: "3" }, CHUNK_TYPE, "pulumi-flow/dist/pulumi/providers/chunk.js"],
    ] as const) {
      const name = await stack(config);
      const up = await pulumi(["up", "--yes", "--skip-preview"], name);
      expect(up.code, up.stdout + up.stderr).toBe(0);
      const { deployment } = await sandbox.exportStack(dir, name);
      const resources = deployment.deployment.resources.filter((r) => r.type === type);
      expect(resources.length).toBeGreaterThan(2);
      for (const r of resources) {
        // The SDK's closure serializer captures a module installed under node_modules by name
        // (src/pulumi/dynamic.ts); a copy of the provider's functions would be about 3.3 KB.
        for (const props of [r.inputs, r.outputs]) {
          const provider = String(props?.__provider);
          expect(provider).toContain(`require("${entry}")`);
          expect(provider.length).toBeLessThan(700);
        }
      }
      // The provider process loads it: refresh reads each resource back from Flow, and nothing drifts.
      const refresh = await pulumi(["refresh", "--yes", "--skip-preview"], name);
      expect(refresh.code, refresh.stdout + refresh.stderr).toBe(0);
      const quiet = await pulumi(["preview", "--expect-no-changes"], name);
      expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    }
  });

  describe.each([
    ["the environment", {}, {}, { FLOW_API_TOKEN: TOKEN }],
    ["secret stack config", {}, { "flow:token": TOKEN }, { FLOW_API_TOKEN: undefined }],
    ["explicit arguments", { explicit: "true" }, {}, { FLOW_API_TOKEN: undefined, ADOPTER_TOKEN: TOKEN }],
  ] as const)("the token given through %s", (_how, config, secrets, env) => {
    it("appears in no state, history file or -v=9 log; refresh works or names the way that does", async () => {
      const name = await stack(config, secrets);
      const e: Record<string, string | undefined> = { ...env, ADOPTER_API_URL: sim.url };
      const verbose = ["-v=9", "--logtostderr", "--logflow"];
      const up = await pulumi(["up", "--yes", "--skip-preview", ...verbose], name, e);
      expect(up.code, up.stderr.slice(-3000)).toBe(0);
      const refresh = await pulumi(["refresh", "--yes", "--skip-preview", ...verbose], name, e);
      if (env.FLOW_API_TOKEN) expect(refresh.code).toBe(0);
      else {
        // Refresh runs without the program: the provider takes the token from the environment only, and says so.
        expect(refresh.code).not.toBe(0);
        expect(refresh.stdout + refresh.stderr).toContain("set FLOW_API_TOKEN in the environment of this `pulumi refresh`");
        // The whole hint once per run, not once per resource: the other resources point to it.
        const quiet = await pulumi(["refresh", "--yes", "--skip-preview"], name, e);
        const hinted = new Set(
          (quiet.stdout + quiet.stderr)
            .split("\n")
            .filter((l) => l.includes("error: ") && l.includes("in the environment of this `pulumi refresh`"))
            .flatMap((l) => /flow:Integration(?:Chunk)? (\S+)/.exec(l)?.[1] ?? []),
        );
        expect(hinted.size, quiet.stdout).toBe(1);
        expect(quiet.stdout + quiet.stderr).toContain("set FLOW_API_TOKEN (how and why: the first error of this run)");
        const withEnv = await pulumi(["refresh", "--yes", "--skip-preview"], name, { ...e, FLOW_API_TOKEN: TOKEN });
        expect(withEnv.code, withEnv.stderr).toBe(0);
      }
      const { raw } = await sandbox.exportStack(dir, name, true);
      const history = fs
        .readdirSync(sandbox.backendDir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith(".json"))
        .map((f) => fs.readFileSync(path.join(sandbox.backendDir, f), "utf8"))
        .join("\n");
      expect({ state: count(raw, TOKEN), history: count(history, TOKEN), logs: count(up.stdout + up.stderr + refresh.stdout + refresh.stderr, TOKEN) }).toEqual(
        { state: 0, history: 0, logs: 0 },
      );
    });
  });

  it("explains that the import option does not apply, instead of failing inside the engine", async () => {
    const name = await stack({ tryImport: "true" });
    const r = await pulumi(["preview"], name);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("Integration 'imported': the import option does not apply");
    expect(r.stdout + r.stderr).not.toContain("toJavaScript");
  });

  it("finds the policy file next to the project under `pulumi -C`, says which file it uses, and fails on a missing FLOW_POLICY_FILE", async () => {
    const name = await stack();
    fs.writeFileSync(
      path.join(dir, "flow-policy.yaml"),
      "exceptions:\n  - rule: flow-integration-webhooks-enabled\n    integrations: [102]\n    reason: mobile org blocks webhooks\n    expires: 2099-12-31\n",
    );
    // `pulumi -C infra` from the root of the adopter's repository, as CI jobs do.
    const elsewhere = path.dirname(dir);
    try {
      const r = await sandbox.run(["-C", dir, "preview", "--json", "--policy-pack", installedPack(), "--stack", name], {
        cwd: elsewhere,
        env: { FLOW_API_TOKEN: TOKEN, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "1" },
      });
      const events = parsePreviewEvents(r.stdout);
      expect(events.violations.some((v) => v.policy === "flow-integration-webhooks-enabled")).toBe(false);
      expect(events.violations.find((v) => v.policy === "flow-exceptions-applied")?.message).toContain("mobile org blocks webhooks");
      // The pack says which file it uses; the engine shows that as a message of the preview.
      expect(r.stdout).toContain(`pulumi-flow policy pack: policy file ${path.join(dir, "flow-policy.yaml")}`);
      const missing = await sandbox.run(["-C", dir, "preview", "--policy-pack", installedPack(), "--stack", name], {
        cwd: elsewhere,
        env: { FLOW_API_TOKEN: TOKEN, FLOW_POLICY_FILE: path.join(dir, "nope.yaml") },
      });
      expect(missing.code).not.toBe(0);
      expect(missing.stdout + missing.stderr).toContain(
        `invalid policy file: ${path.join(dir, "nope.yaml")}:1:1: policy file not found (from FLOW_POLICY_FILE)`,
      );
    } finally {
      fs.rmSync(path.join(dir, "flow-policy.yaml"));
    }
  });

  it("refuses a flow:token stored in plain text, saying how to store it as a secret", async () => {
    const name = await stack();
    // The CLI itself asks for --secret or --plaintext for a key named like a token; --plaintext is the mistake to refuse.
    await sandbox.expect(["config", "set", "--plaintext", "flow:token", TOKEN, "--stack", name], 0, { cwd: dir });
    const r = await pulumi(["preview"], name, { FLOW_API_TOKEN: undefined });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("flow:token is stored in plain text");
    expect(r.stdout + r.stderr).toContain("pulumi config set --secret flow:token <api key>");
  });
});

/** The oldest @pulumi/pulumi the peer range admits; this suite proves it works. */
const SDK_FLOOR = "3.200.0";

describe(`the oldest supported SDK, @pulumi/pulumi ${SDK_FLOOR} (the peer range's floor)`, () => {
  const sandbox = PulumiSandbox.create();
  let sim: FlowSimulator;
  let dir: string;
  let work: string;

  beforeAll(async () => {
    ({ sim, work, dir } = await startAdopter(SDK_FLOOR));
  }, 900_000);
  afterAll(() => stopAdopter(sandbox, { sim, work, dir }));

  it("previews, records, refreshes and destroys", async () => {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
    expect(installed).toBe(SDK_FLOOR);
    expect(JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")).peerDependencies["@pulumi/pulumi"]).toBe(`^${SDK_FLOOR}`);
    const name = await sandbox.initStack(dir);
    await sandbox.expect(["config", "set", "flow:apiUrl", sim.url, "--stack", name], 0, { cwd: dir });
    const env = { FLOW_API_TOKEN: TOKEN };
    for (const args of [["preview"], ["up", "--yes", "--skip-preview"], ["refresh", "--yes", "--skip-preview"], ["destroy", "--yes", "--skip-preview"]]) {
      const r = await sandbox.run([...args, "--stack", name], { cwd: dir, env });
      expect(r.code, `${args[0]}: ${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(0);
    }
  });
});
