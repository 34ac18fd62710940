/**
 * One reading of each resource per request, shared by every policy of the pulumi-flow pack.
 *
 * @pulumi/policy (1.21.0) turns a resource's properties from the request's protobuf Struct into
 * JavaScript afresh for every policy it runs: for each resource policy in Analyze, and for every
 * resource of the stack for each stack policy in AnalyzeStack (server.js, `deserializeProperties(
 * r.getProperties(), false)`). With a dozen policies over a thousand integrations that was most
 * of what the pack itself cost (docs/performance.md). The Struct of a request is one object for
 * the whole request (google-protobuf keeps the wrapper of a message field), so the reading is
 * kept per Struct: every policy of that request gets the same values, and the next request, with
 * new messages, is read afresh. Readings with secrets kept as proxies (remediation, which may
 * change what it gets) are not shared.
 *
 * Only the pack started by startFlowPolicyPack shares readings, where every policy is
 * pulumi-flow's own and none changes what it reads; a pack that mixes flowPolicies() with other
 * policies keeps the SDK's behaviour. It replaces a function of an SDK module in the pack's
 * process, so it is bounded like the program-side workarounds: the @pulumi/policy versions it
 * was verified on, and never when PULUMI_FLOW_SDK_PATCH is 0/false/off.
 */
import { sdkPatchesOff } from "../pulumi/sdk-patch";

/** The @pulumi/policy versions whose server and deserialize modules this was checked against. */
export const VERIFIED_POLICY_SDK: readonly string[] = ["1.21.0"];

const SHARED = Symbol.for("pulumi-flow.sharedPolicyReads");

type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;
interface DeserializeModule {
  deserializeProperties: Deserialize;
  [SHARED]?: true;
}

/** Why readings are not shared (a sentence), or undefined when they are to be. */
export function sharedReadsSkipReason(version: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const off = sdkPatchesOff(env);
  if (off) return off;
  if (version === undefined || !VERIFIED_POLICY_SDK.includes(version.replace(/^v/, "")))
    return `@pulumi/policy ${version ?? "(unknown version)"} is not one it was verified on (${VERIFIED_POLICY_SDK.join(", ")})`;
  return undefined;
}

/**
 * Makes `deserialize` (@pulumi/policy's deserialize module, or a stand-in in tests) read each
 * Struct once; returns why it does not (a sentence), or undefined when it does. Idempotent.
 */
export function shareReads(
  deserialize: DeserializeModule,
  version: string | undefined,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (deserialize[SHARED]) return undefined;
  const skip = sharedReadsSkipReason(version, env);
  if (skip !== undefined) return skip;
  const original = deserialize.deserializeProperties;
  const read = new WeakMap<object, Record<string, unknown>>();
  deserialize.deserializeProperties = (struct, proxySecrets) => {
    if (proxySecrets || struct === null || typeof struct !== "object") return original(struct, proxySecrets);
    let props = read.get(struct);
    if (!props) read.set(struct, (props = original(struct, false)));
    return props;
  };
  Object.defineProperty(deserialize, SHARED, { value: true });
  return undefined;
}

/** The key under which @pulumi/policy's property proxies hand out their target (proxy.js, `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The engine's values for what a preview cannot know yet (the plugin protocol's sentinels, as @pulumi/policy's proxy.js lists them). */
const UNKNOWN_VALUES = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * The values behind a policy's `props`. @pulumi/policy hands them out through proxies that
 * throw on a value a preview cannot know, and make a new proxy on every property read; rules
 * that read the values themselves are much cheaper. `props` itself when it is no such proxy.
 */
export function valuesOf(props: Record<string, unknown>): Record<string, unknown> {
  const target = props[PROXY_TARGET];
  return target !== null && typeof target === "object" ? (target as Record<string, unknown>) : props;
}

/** Whether any value in `value` (at any depth) is one a preview cannot know yet. */
export function holdsUnknown(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === "string") {
      if (UNKNOWN_VALUES.has(v)) return true;
    } else if (v !== null && typeof v === "object") {
      for (const child of Array.isArray(v) ? v : Object.values(v)) pending.push(child);
    }
  }
  return false;
}
