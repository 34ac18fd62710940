import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlowIntegrations, readFlowIntegrations } from "../../../src/pulumi/collection";
import { getIntegration, getIntegrationOutput, getIntegrations, getIntegrationsOutput } from "../../../src/pulumi/functions";
import { Integration } from "../../../src/pulumi/integration";
import { flowProvider } from "../../../src/pulumi/provider";
import { startFlowSimulator, type FlowSimulator } from "../../../src/simulator/server";

// The functions inside a Pulumi program, with the SDK's mocks standing in for the engine: what
// each invoke option does to a read that happens in the program (docs/stack.md, "Invoke options").
const TOKEN = "unit-functions-token-3d1f";

/** Resources whose creation the test releases by name (the mocks' newResource waits for it). */
const gates = new Map<string, { open: () => void; opened: Promise<void> }>();
function gate(name: string): () => void {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  gates.set(name, { open, opened });
  return open;
}

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, {}, opts);
  }
}

/** The arguments of every resource the mocks were asked to register or read. */
const registered: pulumi.runtime.MockResourceArgs[] = [];

class OtherProvider extends pulumi.ProviderResource {
  constructor(name: string) {
    super("test", name, {});
  }
}

const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

describe("getIntegrations / getIntegration and their Output forms take Pulumi's invoke options", () => {
  let sim: FlowSimulator;
  let connection: { apiUrl: string; token: string };

  beforeAll(async () => {
    sim = await startFlowSimulator({ token: TOKEN });
    connection = { apiUrl: sim.url, token: TOKEN };
    await pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          registered.push(args);
          await gates.get(args.name)?.opened;
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
  });
  afterAll(() => sim.close());

  it("reads with no options, and with parent and async, which change nothing", async () => {
    const parent = new Thing("parent");
    expect(await getIntegrations(connection)).toHaveLength(12);
    expect(await getIntegrations(connection, { parent, async: true })).toHaveLength(12);
    expect((await getIntegration({ ...connection, id: 105 }, { parent })).integration.name).toBe("Bitbucket Payments");
  });

  it("reads from the API URL of a provider made by flowProvider(apiUrl)", async () => {
    const provider = flowProvider(sim.url);
    sim.resetLog();
    expect(await getIntegrations({ token: TOKEN }, { provider })).toHaveLength(12);
    expect(sim.requests.length).toBeGreaterThan(0);
    const one = await value(getIntegrationOutput({ id: 102, token: TOKEN }, { provider }));
    expect(one.integration.name).toBe("GitHub Mobile");
  });

  it("refuses another provider, a conflicting apiUrl, version and pluginDownloadURL, saying what to use", async () => {
    const other = new OtherProvider("other");
    await expect(getIntegrations(connection, { provider: other })).rejects.toThrow(
      "getIntegrations: the provider invoke option takes only a provider made by flowProvider(apiUrl)",
    );
    await expect(getIntegrations({ ...connection, apiUrl: "https://elsewhere.example/v3/customer/core" }, { provider: flowProvider(sim.url) })).rejects.toThrow(
      "getIntegrations: the apiUrl argument (https://elsewhere.example/v3/customer/core) and the provider option's API URL",
    );
    await expect(getIntegration({ ...connection, id: 101 }, { version: "1.2.3" })).rejects.toThrow(
      "getIntegration: the version invoke option does not apply: pulumi-flow reads Flow in the program, not through a provider plugin",
    );
    // The Output forms refuse where the call is written, not when the Output settles.
    expect(() => getIntegrationsOutput(connection, { pluginDownloadURL: "https://example.com" })).toThrow(
      "getIntegrationsOutput: the pluginDownloadURL invoke option does not apply",
    );
    const refused = (() => {
      try {
        getIntegrationOutput({ ...connection, id: 101 }, { provider: other });
      } catch (e) {
        return e;
      }
    })();
    expect(pulumi.RunError.isInstance(refused)).toBe(true);
  });

  it("reads only once every resource of dependsOn is created, and carries them as dependencies", async () => {
    const release = gate("slow");
    const slow = new Thing("slow");
    sim.resetLog();
    const records = getIntegrationsOutput(connection, { dependsOn: [slow] });
    const one = getIntegrationOutput({ ...connection, id: 103 }, { dependsOn: pulumi.output(slow) });
    // A read without dependsOn, started after them, finishes: the gated ones had every chance to start.
    expect((await value(getIntegrationOutput({ ...connection, id: 101 }))).integration.id).toBe(101);
    expect(sim.requests.filter((r) => r.integrationId !== 101)).toEqual([]);
    release();
    expect(await value(records)).toHaveLength(12);
    expect((await value(one)).integration.id).toBe(103);
    expect(sim.requests.length).toBeGreaterThan(0);
    const resources = await (records as unknown as { allResources?: () => Promise<Set<pulumi.Resource>> }).allResources?.();
    expect(resources?.has(slow)).toBe(true);
  });

  it("waits for a component's children when dependsOn names the component", async () => {
    const release = gate("flowdeps-101");
    const flow: FlowIntegrations = await readFlowIntegrations("flowdeps", { ...connection, filter: { id__in: "101" } as never });
    expect(Object.keys(flow.resources)).toEqual(["101"]);
    sim.resetLog();
    const after = getIntegrationsOutput(connection, { dependsOn: flow });
    // A read without dependsOn, started after it, finishes: the gated one had every chance to start.
    expect((await value(getIntegrationOutput({ ...connection, id: 102 }))).integration.id).toBe(102);
    expect(sim.requests.filter((r) => r.integrationId !== 102)).toEqual([]);
    release();
    expect(await value(after)).toHaveLength(12);
  });

  it("refuses a dependsOn item that is not a resource, where the call is written", () => {
    expect(() => getIntegrationsOutput(connection, { dependsOn: ["nope" as unknown as pulumi.Resource] })).toThrow(
      "getIntegrationsOutput: 'dependsOn' was passed a value that was not a Resource (string).",
    );
  });

  it("exposes FlowIntegrations' summary and ids as Outputs that depend on the component", async () => {
    const flow = await readFlowIntegrations("outs", connection);
    expect(await value(flow.summaryOutput)).toEqual(flow.summary);
    expect(await value(flow.idsOutput)).toEqual(flow.ids);
    const resources = await (flow.idsOutput as unknown as { allResources?: () => Promise<Set<pulumi.Resource>> }).allResources?.();
    expect(resources?.has(flow)).toBe(true);
  });

  it("Integration.get looks up by id (opts.id), and refuses an id that is not one before the engine is asked", async () => {
    const got = Integration.get("looked-up", 105);
    // A lookup (the SDK's readResource) of id "105" of the Flow type through the Flow provider, with no recorded state.
    expect(await value(got.id)).toBe("105");
    const lookup = registered.find((r) => r.name === "looked-up");
    expect(lookup).toMatchObject({ type: "pulumi-nodejs:dynamic/flow:Integration", id: "105", custom: true });
    expect(lookup?.provider).toContain("pulumi:providers:pulumi-nodejs::flow-provider-");
    expect(lookup?.inputs.integration).toBeUndefined();
    expect(() => Integration.get("bad", "10x")).toThrow("Integration.get('bad'): the id must be a Flow integration id (a positive integer), got \"10x\"");
    expect(() => new Integration("imported", undefined, { import: "107" })).toThrow("Integration 'imported': the import option does not apply");
  });
});
