import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../helpers/paths";

// What docs/supported-versions.md says about Node.js 26's "ExperimentalWarning: FFI is an
// experimental feature": registering any dynamic resource makes the SDK's closure serializer
// map every built-in module (computeBuiltInModules in @pulumi/pulumi's
// runtime/closure/createClosure.js requires each name of module.builtinModules), and loading
// node:ffi prints the warning once per process. pulumi-flow cannot avoid it: the serializer
// does this for the provider of every dynamic resource, whatever the provider holds. The
// documented switches silence it. Runs under whichever Node.js runs the suite (CI runs it on
// 20, 24 and 26); on a line without node:ffi, no run may warn.
const run = promisify(execFile);
const hasFfi = builtinModules.includes("node:ffi");
const WARNING = "ExperimentalWarning: FFI is an experimental feature";

/**
 * Registers one pulumi-flow Integration under Pulumi's mocks (the SDK serializes its dynamic
 * provider) from a program file, as Pulumi runs one: under `node -e` every built-in module is
 * also a global, which the serializer reads, so more modules would warn. Returns stderr.
 */
async function registerIntegration(nodeFlags: string[], nodeOptions?: string): Promise<string> {
  const from = (name: string) => JSON.stringify(require.resolve(name, { paths: [repoRoot] }));
  const program = `
    const pulumi = require(${from("@pulumi/pulumi")});
    const { Integration } = require(${from("pulumi-flow")});
    pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: () => ({}) }, "p", "s", false);
    const record = { integration: { id: 101, name: "GitHub Core", vendor_type: "github" }, connectionStatus: { status: "connected" } };
    new Integration("one", { record }).integrationId.apply((id) => console.log("registered", id));
  `;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-flow-ffi-"));
  try {
    fs.writeFileSync(path.join(dir, "program.js"), program);
    const { stdout, stderr } = await run(process.execPath, [...nodeFlags, path.join(dir, "program.js")], {
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
    });
    expect(stdout).toBe("registered 101\n");
    return stderr;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe(`Node.js ${process.version}: the FFI warning of the SDK's closure serializer`, () => {
  it(hasFfi ? "is printed once when a dynamic resource is registered (node:ffi exists)" : "is not printed (no node:ffi on this line)", async () => {
    const stderr = await registerIntegration([]);
    expect(stderr.split(WARNING).length - 1).toBe(hasFfi ? 1 : 0);
    // Nothing else: the serializer skips the other modules that warn (punycode, sys, wasi).
    expect(stderr).not.toMatch(/ExperimentalWarning(?!: FFI)|DeprecationWarning/);
  });

  it.runIf(hasFfi)("is gone with --no-experimental-ffi (also in NODE_OPTIONS), the precise switch", async () => {
    expect(await registerIntegration(["--no-experimental-ffi"])).not.toContain("ExperimentalWarning");
    expect(await registerIntegration([], "--no-experimental-ffi")).not.toContain("ExperimentalWarning");
  });

  it("is gone with --disable-warning=ExperimentalWarning (every Node.js line the package supports)", async () => {
    expect(await registerIntegration(["--disable-warning=ExperimentalWarning"])).not.toContain("ExperimentalWarning");
  });
});
